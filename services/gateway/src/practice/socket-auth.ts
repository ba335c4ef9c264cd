import { AppError, type Caller, type ErrorBody } from '@parley/contracts';
import type { Socket } from 'socket.io';
import { toAppError } from '../errors/app-error.filter';

type Handshake = Pick<Socket['handshake'], 'auth' | 'headers'>;

/**
 * The bearer token of a socket handshake: `auth.token` (what browsers can send: they cannot set headers on a
 * WebSocket) or an `Authorization: Bearer` header (Node clients, proxies). A `Bearer ` prefix in `auth.token` is
 * tolerated.
 */
export function handshakeToken(handshake: Handshake): string | undefined {
  const fromAuth = (handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof fromAuth === 'string' && fromAuth.trim()) return fromAuth.trim().replace(/^Bearer\s+/i, '') || undefined;
  const header = handshake.headers?.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
  return match?.[1];
}

/** The error a refused handshake carries: the client reads it as `connect_error` with `err.data`. */
export type HandshakeError = Error & { data: Pick<ErrorBody, 'code' | 'message' | 'retryable'> };

export function handshakeError(error: unknown): HandshakeError {
  const appError = toAppError(error);
  const refused = new Error(appError.message) as HandshakeError;
  refused.data = { code: appError.code, message: appError.message, retryable: appError.retryable };
  return refused;
}

/**
 * Namespace middleware: authenticates the handshake with the same tokens as REST, counts the connection against
 * the user's socket budget, and leaves the caller on `socket.data`. Any failure refuses the connection.
 */
export function socketAuthMiddleware(
  verify: (token: string) => Caller,
  countConnection: (caller: Caller) => Promise<void>,
) {
  return (socket: Pick<Socket, 'handshake' | 'data'>, next: (error?: Error) => void): void => {
    let caller: Caller;
    try {
      const token = handshakeToken(socket.handshake);
      if (!token) {
        throw new AppError('unauthorized', 'Sign in first: send the access token as auth.token or an Authorization: Bearer header');
      }
      caller = verify(token);
    } catch (error) {
      next(handshakeError(error));
      return;
    }
    countConnection(caller).then(
      () => {
        (socket.data as { caller?: Caller }).caller = caller;
        next();
      },
      (error: unknown) => next(handshakeError(error)),
    );
  };
}
