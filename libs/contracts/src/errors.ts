/**
 * Every error a client or another service can see carries one of these codes. The gateway maps them to HTTP
 * statuses and socket `error` events; services return them in command replies. Renaming a code breaks clients.
 */
export const ErrorCode = {
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  ValidationFailed: 'validation_failed',
  ScenarioIncomplete: 'scenario_incomplete',
  ClockDrift: 'clock_drift',
  PayloadTooLarge: 'payload_too_large',
  InvalidAudio: 'invalid_audio',
  InvalidTimestamps: 'invalid_timestamps',
  SequenceConflict: 'sequence_conflict',
  SessionEnded: 'session_ended',
  EvaluationRunning: 'evaluation_running',
  Conflict: 'conflict',
  CapacityExceeded: 'capacity_exceeded',
  RateLimited: 'rate_limited',
  ProviderError: 'provider_error',
  Unavailable: 'unavailable',
  Timeout: 'timeout',
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const errorStatus: Record<ErrorCode, number> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  validation_failed: 422,
  scenario_incomplete: 422,
  clock_drift: 422,
  payload_too_large: 413,
  invalid_audio: 422,
  invalid_timestamps: 422,
  sequence_conflict: 409,
  session_ended: 409,
  evaluation_running: 409,
  conflict: 409,
  capacity_exceeded: 429,
  rate_limited: 429,
  provider_error: 502,
  unavailable: 503,
  timeout: 504,
  internal: 500,
};

/** Codes after which the same request may succeed if simply sent again. */
const retryableCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'invalid_audio',
  'capacity_exceeded',
  'rate_limited',
  'provider_error',
  'unavailable',
  'timeout',
  'internal',
]);

export interface FieldIssue {
  path: string;
  message: string;
}

/** The wire shape of an error: HTTP bodies, socket `error` events, acks and command replies all use it. */
export interface ErrorBody {
  code: ErrorCode;
  status: number;
  message: string;
  retryable: boolean;
  /** Field-level problems for validation errors; names of missing fields for incomplete scenarios. */
  issues?: FieldIssue[];
  missing?: string[];
  retryAfterSec?: number;
}

/** A domain error that any layer may throw; transports turn it into an {@link ErrorBody}. */
export class AppError extends Error {
  readonly status: number;
  readonly retryable: boolean;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Pick<ErrorBody, 'issues' | 'missing' | 'retryAfterSec'> = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = errorStatus[code];
    this.retryable = retryableCodes.has(code);
  }

  toJSON(): ErrorBody {
    return { code: this.code, status: this.status, message: this.message, retryable: this.retryable, ...this.extra };
  }

  static fromBody(body: ErrorBody): AppError {
    const { code, message, issues, missing, retryAfterSec } = body;
    return new AppError(code, message, { issues, missing, retryAfterSec });
  }
}

export function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorBody).code === 'string' &&
    (value as ErrorBody).code in errorStatus &&
    typeof (value as ErrorBody).message === 'string'
  );
}
