import { APIConnectionError, APIError } from 'openai';
import { InvalidAudioError } from '@parley/audio';
import { BadResponseError, PartialOutputError, ProviderError, ProviderTimeoutError, type ProviderRole } from './errors';

/** How every provider call is bounded (SPEC §4.6: 10 s, retried twice). */
export interface CallPolicy {
  /**
   * An attempt is abandoned after this long without progress: waiting for response headers, between stream chunks,
   * or for a local process. A slow but flowing stream is not cut.
   */
  timeoutMs: number;
  /** Attempts after the first. */
  retries: number;
  /** Pause before retry n: backoffMs × 2^(n−1). */
  backoffMs?: number;
  /** Told about each failed attempt that will be retried, e.g. to log or count it. */
  onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  role: ProviderRole;
  /** The attempt that failed, from 1. */
  attempt: number;
  error: unknown;
}

export const DEFAULT_POLICY: Readonly<CallPolicy> = { timeoutMs: 10_000, retries: 2, backoffMs: 250 };

export interface Attempt {
  /** Aborted on timeout or when the caller aborts; pass it to every request of the attempt. */
  signal: AbortSignal;
  /** 1 for the first attempt. */
  number: number;
  /** Restarts the no-progress timer: call it for every chunk received. */
  progress(): void;
}

/**
 * Runs `run` until it succeeds, with a no-progress timeout per attempt and retries with backoff for failures that
 * a retry may fix. The caller's `signal` aborts at once and rethrows its reason (an AbortError unless the caller gave
 * another); an {@link InvalidAudioError} is the input's fault and passes through; anything else ends in a
 * {@link ProviderError}.
 */
export async function callProvider<T>(
  role: ProviderRole,
  policy: CallPolicy,
  signal: AbortSignal | undefined,
  run: (attempt: Attempt) => Promise<T>,
): Promise<T> {
  signal?.throwIfAborted();
  const attempts = policy.retries + 1;
  let failure: unknown;
  let made = 0;
  while (made < attempts) {
    made += 1;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new ProviderTimeoutError(policy.timeoutMs)), policy.timeoutMs);
    const forwardAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', forwardAbort, { once: true });
    try {
      const result = await run({ signal: controller.signal, number: made, progress: () => timer.refresh() });
      // An aborted stream can end quietly with partial output; never return that as a result.
      controller.signal.throwIfAborted();
      return result;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof InvalidAudioError) throw error;
      failure = controller.signal.aborted && !(error instanceof PartialOutputError) ? controller.signal.reason : error;
      if (!isRetryable(failure) || made === attempts) break;
      policy.onRetry?.({ role, attempt: made, error: failure });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forwardAbort);
    }
    await sleep((policy.backoffMs ?? 0) * 2 ** (made - 1), signal);
  }
  throw new ProviderError(role, made, failure);
}

/** Timeouts, connection failures, 408/409/429/5xx and unusable responses; not other 4xx (bad key, bad model...). */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ProviderTimeoutError || error instanceof BadResponseError) return true;
  if (error instanceof APIConnectionError) return true; // includes the SDK's own timeout
  if (error instanceof APIError) {
    const status = error.status;
    // No status: an error event inside an otherwise successful stream.
    return status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
  }
  return false;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
