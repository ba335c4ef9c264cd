import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { AppError, MAX_TURN_AUDIO_BYTES } from '@parley/contracts';
import type { Request, Response } from 'express';
import multer from 'multer';
import type { Observable } from 'rxjs';
import { audioTooLarge } from './turn-audio';

/** The multipart field that carries the MP3. */
export const AUDIO_FIELD = 'audio';

/**
 * Memory storage is safe because every limit is small: one file just over the turn limit (so an oversized one is
 * measured, then refused with guidance), and a few short text fields (sequence, startedAt, endedAt).
 */
const upload = multer({
  storage: multer.memoryStorage(),
  limits: {
    fileSize: MAX_TURN_AUDIO_BYTES + 1,
    files: 1,
    fields: 8,
    fieldSize: 256,
    fieldNameSize: 64,
    parts: 10,
    headerPairs: 50,
  },
}).single(AUDIO_FIELD);

/** What each multer failure means to the client; anything unlisted is a malformed form. */
export function uploadError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'LIMIT_FILE_SIZE':
      return audioTooLarge();
    case 'LIMIT_FILE_COUNT':
    case 'LIMIT_UNEXPECTED_FILE':
      return new AppError('validation_failed', `Send exactly one file, in the "${AUDIO_FIELD}" field`, {
        issues: [{ path: AUDIO_FIELD, message: 'one MP3 file expected' }],
      });
    case 'LIMIT_FIELD_VALUE':
    case 'LIMIT_FIELD_KEY':
    case 'LIMIT_FIELD_COUNT':
    case 'LIMIT_PART_COUNT':
      return new AppError(
        'validation_failed',
        `The form has too many or too long fields: send only ${AUDIO_FIELD}, sequence, startedAt and endedAt`,
      );
    default:
      // Busboy parse errors (truncated body, missing boundary...) and any other multer code.
      return new AppError('validation_failed', 'The turn upload is not a well-formed multipart form; resend the turn');
  }
}

/**
 * Parses the multipart turn upload with our own limits and error mapping (Nest's FileInterceptor would turn a
 * size overflow into a bare "File too large"). Guards run first, so nothing is parsed for an unauthenticated call.
 */
@Injectable()
export class TurnUploadInterceptor implements NestInterceptor {
  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    await new Promise<void>((resolve, reject) => {
      upload(request, response, (error?: unknown) => (error ? reject(uploadError(error)) : resolve()));
    });
    return next.handle();
  }
}
