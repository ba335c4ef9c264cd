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
  verify: (token: string) => Caller | Promise<Caller>,
  countConnection: (caller: Caller) => Promise<void>,
) {
  return (socket: Pick<Socket, 'handshake' | 'data'>, next: (error?: Error) => void): void => {
    const token = handshakeToken(socket.handshake);
    if (!token) {
      next(handshakeError(new AppError('unauthorized', 'Sign in first: send the access token as auth.token or an Authorization: Bearer header')));
      return;
    }
    // Verification may be asynchronous (an identity provider's keys are fetched on first use).
    Promise.resolve()
      .then(() => verify(token))
      .then(async (caller) => {
        await countConnection(caller);
        (socket.data as { caller?: Caller }).caller = caller;
      })
      .then(
        () => next(),
        (error: unknown) => next(handshakeError(error)),
      );
  };
}
