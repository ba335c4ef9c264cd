import { isErrorBody, type ErrorBody, type ErrorCode, type FieldIssue } from '@parley/contracts';

/** A failed API call, carrying the server's {@link ErrorBody} (or a synthesised one for network failures). */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly issues: FieldIssue[];
  readonly missing: string[];
  readonly retryAfterSec: number | undefined;

  constructor(body: ErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.code = body.code;
    this.status = body.status;
    this.retryable = body.retryable;
    this.issues = body.issues ?? [];
    this.missing = body.missing ?? [];
    this.retryAfterSec = body.retryAfterSec;
  }

  get body(): ErrorBody {
    return {
      code: this.code,
      status: this.status,
      message: this.message,
      retryable: this.retryable,
      ...(this.issues.length ? { issues: this.issues } : {}),
      ...(this.missing.length ? { missing: this.missing } : {}),
      ...(this.retryAfterSec !== undefined ? { retryAfterSec: this.retryAfterSec } : {}),
    };
  }

  static network(cause: unknown): ApiError {
    const error = new ApiError({
      code: 'unavailable',
      status: 0,
      message: 'The server could not be reached. Check your connection and try again.',
      retryable: true,
    });
    (error as { cause?: unknown }).cause = cause;
    return error;
  }
}

/**
 * Reads an error response. The gateway answers `{error: ErrorBody}`; anything else (a proxy's HTML page, an
 * empty body) becomes a generic error with the HTTP status.
 */
export function errorFromResponse(status: number, payload: unknown, retryAfterHeader?: string | null): ApiError {
  const body = (payload as { error?: unknown } | null)?.error;
  if (isErrorBody(body)) {
    return new ApiError({ ...body, status: body.status ?? status, retryable: body.retryable ?? false });
  }
  const retryAfter = retryAfterHeader ? Number(retryAfterHeader) : undefined;
  const code: ErrorCode =
    status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : status === 429 ? 'rate_limited' : status === 503 ? 'unavailable' : status >= 500 ? 'internal' : 'validation_failed';
  return new ApiError({
    code,
    status,
    message: status >= 500 ? 'Something went wrong on the server. Try again in a moment.' : `The request failed (HTTP ${status}).`,
    retryable: status >= 500 || status === 429,
    ...(retryAfter && Number.isFinite(retryAfter) ? { retryAfterSec: retryAfter } : {}),
  });
}

/** A sentence for the trainee, with what they can do about it where we know. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return (error as Error)?.message || 'Something went wrong.';
  switch (error.code) {
    case 'capacity_exceeded':
      return `All practice rooms are busy right now. Try again${error.retryAfterSec ? ` in about ${error.retryAfterSec} s` : ' in a moment'}.`;
    case 'rate_limited':
      return `Too many requests. Wait${error.retryAfterSec ? ` ${error.retryAfterSec} s` : ' a moment'} and try again.`;
    case 'scenario_incomplete':
      return error.missing.length
        ? `This scenario cannot be practised yet: it is missing ${error.missing.join(', ')}.`
        : error.message;
    case 'not_found':
      return 'This item does not exist (any more), or it is not yours.';
    default:
      return error.message;
  }
}
