import { AppError, Commands, MAX_TURN_AUDIO_BYTES, PRACTICE_NAMESPACE, sessionRoom } from '@parley/contracts';
import { Logger } from '@nestjs/common';
import { Metrics } from '@parley/observability';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { TokenService } from '../auth/token.service';
import { loadGatewayConfig } from '../config';
import { PracticeGateway } from './practice.gateway';
import { RealtimeRelay } from './realtime-relay.service';
import { SOCKET_MAX_BUFFER_BYTES } from './redis-io.adapter';
import type { PracticeNamespace } from './socket-types';

/** The gateway's socket handlers on a real socket.io server (no Redis, no NATS: the bus is a stub). */
describe('practice socket gateway', () => {
  const config = loadGatewayConfig({});
  const tokens = new TokenService(config);
  const sessionId = '3f2c1d7e-8a9b-4c5d-9e0f-1a2b3c4d5e6f';
  const state = { session: { id: sessionId, status: 'active' }, turns: [] };
  const bus = { request: jest.fn() };
  const limiter = { connection: jest.fn(), event: jest.fn() };
  let http: HttpServer;
  let io: Server;
  let url: string;
  const clients: ClientSocket[] = [];

  beforeAll(async () => {
    Logger.overrideLogger(false);
    http = createServer();
    io = new Server(http, { maxHttpBufferSize: SOCKET_MAX_BUFFER_BYTES });
    const namespace = io.of(PRACTICE_NAMESPACE) as unknown as PracticeNamespace;
    const gateway = new PracticeGateway(bus as never, tokens, limiter as never, new RealtimeRelay(bus as never), new Metrics('gateway-test'));
    gateway.server = namespace;
    gateway.afterInit(namespace);
    namespace.on('connection', (socket) => gateway.handleConnection(socket));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}${PRACTICE_NAMESPACE}`;
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await new Promise((resolve) => io.close(resolve));
  });

  beforeEach(() => {
    bus.request.mockReset();
    limiter.connection.mockReset().mockResolvedValue(undefined);
    limiter.event.mockReset().mockResolvedValue(undefined);
  });

  function client(options: { token?: string; headers?: Record<string, string> } = {}): ClientSocket {
    const socket = connect(url, {
      auth: options.token ? { token: options.token } : {},
      extraHeaders: options.headers,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    clients.push(socket);
    return socket;
  }

  async function connected(userId = 'trainee-1'): Promise<ClientSocket> {
    const socket = client({ token: tokens.issueDevToken({ userId, roles: ['trainee'] }) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  }

  function connectError(socket: ClientSocket): Promise<Error & { data?: unknown }> {
    return new Promise((resolve) => socket.once('connect_error', resolve));
  }

  it('refuses a connection without a token, or with a forged one', async () => {
    const missing = await connectError(client());
    expect(missing.data).toMatchObject({ code: 'unauthorized', retryable: false });
    const token = tokens.issueDevToken({ userId: 'trainee-1', roles: ['trainee'] });
    const forged = await connectError(client({ token: `${token}x` }));
    expect(forged.data).toMatchObject({ code: 'unauthorized', message: 'Invalid access token', retryable: false });
  });

  it('accepts the token as an Authorization header too', async () => {
    const token = tokens.issueDevToken({ userId: 'trainee-h', roles: ['trainee'] });
    const socket = client({ headers: { authorization: `Bearer ${token}` } });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    expect(socket.connected).toBe(true);
  });

  it('joins: acks the state and puts the socket in the session room', async () => {
    bus.request.mockResolvedValue(state);
    const socket = await connected();
    const ack = await socket.timeout(2000).emitWithAck('join', { sessionId });
    expect(ack).toEqual({ ok: true, ...state });
    // Authorise, join, then read the state again so nothing recorded meanwhile is missed.
    expect(bus.request).toHaveBeenCalledTimes(2);
    expect(bus.request).toHaveBeenNthCalledWith(
      2,
      Commands.SessionGet,
      { caller: { userId: 'trainee-1', roles: ['trainee'] }, sessionId },
      expect.objectContaining({ correlationId: expect.any(String) }),
    );
    const pushed = new Promise((resolve) => socket.once('termination', resolve));
    io.of(PRACTICE_NAMESPACE).to(sessionRoom(sessionId)).emit('termination', { sessionId, reason: 'manual_stop', message: 'm' });
    await expect(pushed).resolves.toMatchObject({ sessionId, reason: 'manual_stop' });
    expect(limiter.connection).toHaveBeenCalledWith({ userId: 'trainee-1', roles: ['trainee'] });
    expect(limiter.event).toHaveBeenCalledWith({ userId: 'trainee-1', roles: ['trainee'] }, expect.any(String));
  });

  it("relays the session service's refusal (another user's session is 404) without joining", async () => {
    bus.request.mockRejectedValue(new AppError('not_found', 'No such session'));
    const socket = await connected('trainee-2');
    const ack = await socket.timeout(2000).emitWithAck('join', { sessionId });
    expect(ack).toEqual({ ok: false, error: expect.objectContaining({ code: 'not_found', status: 404 }) });
    const rooms = io.of(PRACTICE_NAMESPACE).adapter.rooms.get(sessionRoom(sessionId));
    expect([...(rooms ?? [])]).not.toContain(socket.id);
  });

  it('answers malformed payloads with validation_failed and bad ids with not_found, without a round trip', async () => {
    const socket = await connected();
    for (const payload of ['nope', null, [sessionId], {}, { sessionId: 7 }]) {
      const ack = await socket.timeout(2000).emitWithAck('join', payload as never);
      expect(ack).toMatchObject({ ok: false, error: { code: 'validation_failed', status: 422 } });
    }
    const ack = await socket.timeout(2000).emitWithAck('stop', { sessionId: 'not-a-uuid' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'not_found', status: 404 } });
    expect(bus.request).not.toHaveBeenCalled();
  });

  it('submits a trainee turn as base64 and acks turnId and sequence', async () => {
    bus.request.mockResolvedValue({ ok: true, turnId: 't-1', sequence: 1 });
    const socket = await connected();
    const audio = new Uint8Array([0xff, 0xfb, 0x90, 0x44]);
    const turn = { sessionId, sequence: 1, startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:00:02Z', audio };
    const ack = await socket.timeout(2000).emitWithAck('trainee_turn', turn);
    expect(ack).toEqual({ ok: true, turnId: 't-1', sequence: 1 });
    const [command, payload] = bus.request.mock.calls[0]!;
    expect(command).toBe(Commands.TurnSubmit);
    expect(payload).toEqual({
      caller: { userId: 'trainee-1', roles: ['trainee'] },
      sessionId,
      meta: { sequence: 1, startedAt: turn.startedAt, endedAt: turn.endedAt },
      audioBase64: Buffer.from(audio).toString('base64'),
    });
  });

  it('refuses a 129 KB turn with 413 and keeps the connection; non-binary audio is 422', async () => {
    const socket = await connected();
    const base = { sessionId, sequence: 1, startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:00:02Z' };
    const big = await socket.timeout(3000).emitWithAck('trainee_turn', { ...base, audio: new Uint8Array(MAX_TURN_AUDIO_BYTES + 1024) });
    expect(big).toMatchObject({ ok: false, error: { code: 'payload_too_large', status: 413 } });
    expect(big.ok === false && big.error.message).toMatch(/shorter turn/);
    const text = await socket.timeout(2000).emitWithAck('trainee_turn', { ...base, audio: 'SUQz' as never });
    expect(text).toMatchObject({ ok: false, error: { code: 'invalid_audio', status: 422 } });
    expect(socket.connected).toBe(true);
    expect(bus.request).not.toHaveBeenCalled();
  });

  it('stops a session and acks ok', async () => {
    bus.request.mockResolvedValue({ id: sessionId, status: 'ended' });
    const socket = await connected();
    expect(await socket.timeout(2000).emitWithAck('stop', { sessionId })).toEqual({ ok: true });
    expect(bus.request.mock.calls[0]![0]).toBe(Commands.SessionStop);
  });

  it('turns unexpected failures into internal errors and service errors into their codes', async () => {
    const socket = await connected();
    bus.request.mockRejectedValueOnce(new Error('boom with secrets'));
    const internal = await socket.timeout(2000).emitWithAck('stop', { sessionId });
    expect(internal).toEqual({ ok: false, error: expect.objectContaining({ code: 'internal', retryable: true }) });
    expect(JSON.stringify(internal)).not.toMatch(/secrets/);
    bus.request.mockRejectedValueOnce(new AppError('timeout', 'session.stop did not answer in time'));
    const timeout = await socket.timeout(2000).emitWithAck('stop', { sessionId });
    expect(timeout).toMatchObject({ ok: false, error: { code: 'timeout', status: 504 } });
  });

  it('emits error instead of crashing when a failing event came without an ack', async () => {
    const socket = await connected();
    const error = new Promise((resolve) => socket.once('error' as never, resolve));
    socket.emit('join', { sessionId: 'bad' } as never);
    await expect(error).resolves.toEqual({ code: 'not_found', message: 'No such session', retryable: false });
    // Still served afterwards.
    bus.request.mockResolvedValue(state);
    expect(await socket.timeout(2000).emitWithAck('join', { sessionId })).toMatchObject({ ok: true });
  });

  it('answers unknown events and rate-limited events with their codes', async () => {
    const socket = await connected();
    const unknown = await socket.timeout(2000).emitWithAck('dance' as never, {} as never);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const inherited = await socket.timeout(2000).emitWithAck('toString' as never, {} as never);
    expect(inherited).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    limiter.event.mockRejectedValue(new AppError('rate_limited', 'Too many requests; slow down', { retryAfterSec: 12 }));
    const limited = await socket.timeout(2000).emitWithAck('join', { sessionId });
    expect(limited).toMatchObject({ ok: false, error: { code: 'rate_limited', status: 429, retryAfterSec: 12 } });
    // Unknown events are counted too.
    expect(await socket.timeout(2000).emitWithAck('dance' as never, {} as never)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(bus.request).not.toHaveBeenCalled();
  });
});
