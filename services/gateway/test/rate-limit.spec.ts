import { PRACTICE_NAMESPACE } from '@parley/contracts';
import { OwnServer, TestPlatform, api, devToken, sleep } from '@parley/testing';
import IORedis from 'ioredis';
import { io, type Socket } from 'socket.io-client';

/**
 * SPEC §10 rate limits through the real gateway: REST per user, socket events per user and per connection, counted
 * in Redis (shared by replicas); while Redis is down each replica keeps counting in memory rather than letting
 * everything through.
 */
const LIMITS = { RATE_LIMIT_PER_MINUTE: '5', SOCKET_RATE_LIMIT_PER_MINUTE: '10', SOCKET_RATE_LIMIT_PER_SOCKET_PER_MINUTE: '5' };

function connect(gateway: string, token: string): Promise<Socket> {
  const socket = io(`${gateway}${PRACTICE_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** An event no handler knows: under the limit it is refused as unknown (422), over it as rate limited (429). */
async function unknownEvent(socket: Socket): Promise<{ ok: boolean; error: { code: string; retryable: boolean; retryAfterSec?: number } }> {
  return socket.timeout(5_000).emitWithAck('not_an_event', {});
}

async function expectRestLimit(gateway: string, token: string): Promise<void> {
  for (let i = 0; i < 5; i++) expect((await api(gateway, 'GET', '/api/scenarios?pageSize=1', { token })).status).toBe(200);
  const limited = await api(gateway, 'GET', '/api/scenarios?pageSize=1', { token });
  expect(limited.status).toBe(429);
  expect(limited.body.error).toMatchObject({ code: 'rate_limited', retryable: true });
  const retryAfter = Number(limited.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(limited.body.error.retryAfterSec).toBe(retryAfter);
}

describe('rate limits', () => {
  let platform: TestPlatform;
  let gateway: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    platform = await TestPlatform.start({ services: ['gateway', 'session'], serviceEnv: { gateway: LIMITS } });
    gateway = platform.url('gateway');
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await platform?.stop();
  });

  it('limits REST calls per user, in Redis, with Retry-After and a coded body', async () => {
    const [ana, ben] = [await devToken(gateway, 'rl-ana'), await devToken(gateway, 'rl-ben')];
    await expectRestLimit(gateway, ana);
    // Another user has a budget of their own.
    expect((await api(gateway, 'GET', '/api/scenarios?pageSize=1', { token: ben })).status).toBe(200);
    // The count lives in the shared Redis under the platform's namespace (one budget for every replica).
    const redis = new IORedis(platform.redisUrl);
    try {
      expect(await redis.keys(`{${platform.namespace}:ratelimit:rest:user:rl-ana:default}:*`)).not.toHaveLength(0);
    } finally {
      redis.disconnect();
    }
  });

  it('limits socket events per connection and per user, unknown events included', async () => {
    const token = await devToken(gateway, 'rl-cleo');
    // User budget 10: this connection (1) and its 5 events (2-6) fit; the per-connection budget of 5 does not.
    const first = await connect(gateway, token);
    sockets.push(first);
    for (let i = 0; i < 5; i++) expect(await unknownEvent(first)).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const limited = await unknownEvent(first);
    expect(limited).toMatchObject({ ok: false, error: { code: 'rate_limited', retryable: true } });
    expect(limited.error.retryAfterSec).toBeGreaterThanOrEqual(1);
    // Without an ack the refusal comes as an `error` event.
    const error = new Promise((resolve) => first.once('error' as never, resolve as never));
    first.emit('join', { sessionId: '3f2c1d7e-8a9b-4c5d-9e0f-1a2b3c4d5e6f' });
    await expect(error).resolves.toEqual({ code: 'rate_limited', message: expect.any(String), retryable: true });

    // A second connection of the same user still has its own budget, until the user's is spent (7 counted so far,
    // plus the refused event above: 9 with this connection, 10 with the next event, then over).
    const second = await connect(gateway, token);
    sockets.push(second);
    expect(await unknownEvent(second)).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await unknownEvent(second)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    // A new connection is refused too, with the code in the handshake error.
    await expect(connect(gateway, token)).rejects.toMatchObject({ data: { code: 'rate_limited', retryable: true } });

    // Someone else is not affected.
    const other = await connect(gateway, await devToken(gateway, 'rl-dan'));
    sockets.push(other);
    expect(await unknownEvent(other)).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });
});

describe('rate limits while Redis is down', () => {
  let redis: OwnServer;
  let platform: TestPlatform;
  let gateway: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // A Redis of the test's own, for the gateway only: stopping it touches nothing other suites use.
    redis = await OwnServer.redis();
    platform = await TestPlatform.start({ services: ['gateway', 'session'], serviceEnv: { gateway: { ...LIMITS, REDIS_URL: redis.url } } });
    // One replica: without Redis each replica counts alone (a scaled-out run would allow the budget once per replica).
    gateway = platform.replicaUrl('gateway', 1);
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await platform?.stop();
    await redis?.close();
  });

  async function readiness(): Promise<{ status: number; checks: Record<string, string> }> {
    const response = await fetch(`${gateway}/ready`);
    return { status: response.status, checks: ((await response.json()) as { checks: Record<string, string> }).checks };
  }

  it('keeps limiting in memory (never unlimited), reports not ready, and goes back to Redis when it returns', async () => {
    const [eve, fay, gus] = [await devToken(gateway, 'rl-eve'), await devToken(gateway, 'rl-fay'), await devToken(gateway, 'rl-gus')];
    const socket = await connect(gateway, gus);
    sockets.push(socket);
    await redis.stop();

    await expectRestLimit(gateway, eve);
    for (let i = 0; i < 5; i++) expect(await unknownEvent(socket)).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await unknownEvent(socket)).toMatchObject({ ok: false, error: { code: 'rate_limited', retryable: true } });
    const down = await readiness();
    expect(down.status).toBe(503);
    expect(down.checks.redis).toBe('down');

    await redis.start();
    const deadline = Date.now() + 15_000;
    while ((await readiness()).status !== 200 && Date.now() < deadline) await sleep(200);
    expect((await readiness()).status).toBe(200);
    // Counted in Redis again: another user's calls leave their counter there.
    expect((await api(gateway, 'GET', '/api/scenarios?pageSize=1', { token: fay })).status).toBe(200);
    const client = new IORedis(redis.url);
    try {
      expect(await client.keys(`{${platform.namespace}:ratelimit:rest:user:rl-fay:default}:*`)).not.toHaveLength(0);
      // The outage's in-memory counts were not written there.
      expect(await client.keys(`{${platform.namespace}:ratelimit:rest:user:rl-eve:default}:*`)).toHaveLength(0);
    } finally {
      client.disconnect();
    }
  });
});
