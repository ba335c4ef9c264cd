import { AppError, type Caller } from '@parley/contracts';
import { handshakeToken, socketAuthMiddleware } from './socket-auth';

const handshake = (auth: Record<string, unknown> = {}, headers: Record<string, string> = {}) => ({ auth, headers });

describe('handshake token', () => {
  it('reads auth.token first, then an Authorization: Bearer header', () => {
    expect(handshakeToken(handshake({ token: 'abc' }))).toBe('abc');
    expect(handshakeToken(handshake({ token: 'Bearer abc' }))).toBe('abc');
    expect(handshakeToken(handshake({}, { authorization: 'Bearer xyz' }))).toBe('xyz');
    expect(handshakeToken(handshake({ token: 'abc' }, { authorization: 'Bearer xyz' }))).toBe('abc');
    expect(handshakeToken(handshake({ token: '  ' }, { authorization: 'bearer xyz' }))).toBe('xyz');
  });

  it('finds nothing in other shapes', () => {
    expect(handshakeToken(handshake())).toBeUndefined();
    expect(handshakeToken(handshake({ token: 42 }))).toBeUndefined();
    expect(handshakeToken(handshake({}, { authorization: 'Basic dXNlcjpwdw==' }))).toBeUndefined();
    expect(handshakeToken(handshake({}, { authorization: 'Bearer a b' }))).toBeUndefined();
    expect(handshakeToken({ auth: undefined as never, headers: {} })).toBeUndefined();
  });
});

describe('socket auth middleware', () => {
  const caller: Caller = { userId: 'u1', roles: ['trainee'] };
  const verify = (token: string) => {
    if (token !== 'good') throw new AppError('unauthorized', 'Invalid access token');
    return caller;
  };

  function run(middleware: ReturnType<typeof socketAuthMiddleware>, auth: Record<string, unknown>) {
    const socket = { handshake: handshake(auth) as never, data: {} as Record<string, unknown> };
    return new Promise<{ error?: Error & { data?: unknown }; data: Record<string, unknown> }>((resolve) =>
      middleware(socket, (error) => resolve({ error, data: socket.data })),
    );
  }

  it('refuses a missing or bad token with an unauthorized, non-retryable error', async () => {
    const middleware = socketAuthMiddleware(verify, async () => undefined);
    for (const auth of [{}, { token: 'forged' }]) {
      const { error, data } = await run(middleware, auth);
      expect(error?.data).toMatchObject({ code: 'unauthorized', retryable: false });
      expect(error?.message).toBeTruthy();
      expect(data.caller).toBeUndefined();
    }
  });

  it('accepts a good token, counting the connection, and leaves the caller on the socket', async () => {
    const counted: Caller[] = [];
    const middleware = socketAuthMiddleware(verify, async (c) => void counted.push(c));
    const { error, data } = await run(middleware, { token: 'good' });
    expect(error).toBeUndefined();
    expect(data.caller).toEqual(caller);
    expect(counted).toEqual([caller]);
  });

  it('refuses a connection over the rate limit', async () => {
    const middleware = socketAuthMiddleware(verify, async () => {
      throw new AppError('rate_limited', 'Too many requests; slow down', { retryAfterSec: 5 });
    });
    const { error } = await run(middleware, { token: 'good' });
    expect(error?.data).toMatchObject({ code: 'rate_limited', retryable: true });
  });
});
