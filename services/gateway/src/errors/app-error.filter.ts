import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { AppError, type ErrorCode } from '@parley/contracts';
import type { Response } from 'express';

const httpStatusCodes: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  422: 'validation_failed',
  429: 'rate_limited',
};

/** Turns anything thrown into an {@link AppError} body, so every failure a client sees has a code. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    // Body-parser reports oversize and malformed JSON bodies this way.
    const code = httpStatusCodes[status] ?? (status >= 500 ? 'internal' : 'validation_failed');
    return new AppError(code, status === 404 ? 'No such route' : error.message);
  }
  const type = (error as { type?: string } | null)?.type;
  if (type === 'entity.too.large') return new AppError('payload_too_large', 'Request body is too large');
  if (type === 'entity.parse.failed') return new AppError('validation_failed', 'Request body is not valid JSON');
  return new AppError('internal', 'Something went wrong on our side');
}

@Catch()
export class AppErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('errors');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const appError = toAppError(error);
    if (appError.code === 'internal') this.logger.error(error);
    const response = host.switchToHttp().getResponse<Response>();
    if (appError.extra.retryAfterSec) response.setHeader('Retry-After', String(appError.extra.retryAfterSec));
    response.status(appError.status).json({ error: appError.toJSON() });
  }
}
