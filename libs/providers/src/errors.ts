import { AppError, ErrorCode } from '@parley/contracts';

/** Which provider failed: each has its own endpoint, model and failure handling. */
export type ProviderRole = 'roleplayer' | 'objective_check' | 'speech_synthesis' | 'transcription' | 'omni';

/**
 * A provider call that failed for good: every attempt failed, or the failure was one a retry cannot fix (a 4xx).
 * Sessions end with `provider_error` when they meet one (SPEC §4.6).
 */
export class ProviderError extends AppError {
  constructor(
    readonly role: ProviderRole,
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    const what = role.replace('_', ' ');
    super(ErrorCode.ProviderError, `The ${what} provider failed after ${attempts} attempt(s): ${describe(cause)}`);
    this.name = 'ProviderError';
  }
}

/** An attempt made no progress (no headers, no chunk, no output) for the configured time. */
export class ProviderTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no progress for ${timeoutMs} ms`);
    this.name = 'ProviderTimeoutError';
  }
}

/**
 * An attempt failed after part of its output was already delivered to a reader: starting over would repeat or
 * contradict what they saw, so it is not retried.
 */
export class PartialOutputError extends Error {
  constructor(override readonly cause: unknown) {
    super(`failed after part of the reply was sent: ${describe(cause)}`);
    this.name = 'PartialOutputError';
  }
}

/** A response that arrived but cannot be used (invalid JSON, an empty reply, a crashed recogniser): worth retrying. */
export class BadResponseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BadResponseError';
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
