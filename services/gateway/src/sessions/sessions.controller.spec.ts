import { Module, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, NestFactory } from '@nestjs/core';
import { Bus } from '@parley/bus';
import { AppError, Commands, MAX_TURN_AUDIO_BYTES } from '@parley/contracts';
import { AppErrorFilter } from '../errors/app-error.filter';
import { CommandContext } from '../request-context';
import { SESSION_CREATE_TIMEOUT_MS, SessionsController } from './sessions.controller';
import { uploadError } from './turn-upload.interceptor';

const caller = { userId: 'trainee-1', roles: ['trainee'] };

/** Stands in for the real auth guard: these tests are about the routes, not tokens. */
class FakeAuth implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    context.switchToHttp().getRequest().caller = caller;
    return true;
  }
}

/** The sessions routes on a real Nest HTTP server, with the bus stubbed (no NATS, no session service). */
describe('sessions REST routes', () => {
  const sessionId = '3f2c1d7e-8a9b-4c5d-9e0f-1a2b3c4d5e6f';
  const bus = { request: jest.fn() };
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    @Module({
      controllers: [SessionsController],
      providers: [
        { provide: Bus, useValue: bus },
        CommandContext,
        { provide: APP_GUARD, useClass: FakeAuth },
        { provide: APP_FILTER, useClass: AppErrorFilter },
      ],
    })
    class TestModule {}
    app = await NestFactory.create(TestModule, { logger: false });
    app.setGlobalPrefix('api');
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/api`;
  });

  afterAll(() => app?.close());
  beforeEach(() => bus.request.mockReset());

  function turnForm(audio?: Uint8Array, fields: Record<string, string> = { sequence: '1', startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:00:02Z' }) {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    if (audio) form.append('audio', new Blob([audio], { type: 'audio/mpeg' }), 'turn.mp3');
    return form;
  }

  async function call(method: string, path: string, body?: FormData | object) {
    const init: RequestInit = { method };
    if (body instanceof FormData) init.body = body;
    else if (body) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    const response = await fetch(`${base}${path}`, init);
    return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
  }

  it('creates a session with a long timeout and answers 201 with the state', async () => {
    bus.request.mockResolvedValue({ session: { id: sessionId }, turns: [] });
    const body = { scenarioId: 'sales-1', mode: 'turn', clientSessionStartedAt: '2026-01-01T00:00:00Z' };
    const response = await call('POST', '/sessions', body);
    expect(response).toEqual({ status: 201, body: { session: { id: sessionId }, turns: [] } });
    expect(bus.request).toHaveBeenCalledWith(Commands.SessionCreate, { caller, body }, expect.anything(), SESSION_CREATE_TIMEOUT_MS);
  });

  it('relays the session service errors with their status, including Retry-After', async () => {
    bus.request.mockRejectedValue(new AppError('capacity_exceeded', 'Capacity exceeded', { retryAfterSec: 10 }));
    const response = await fetch(`${base}/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('10');
  });

  it('gets and stops a session; a non-UUID id is 404 without a round trip', async () => {
    bus.request.mockResolvedValue({ id: sessionId, status: 'ended' });
    expect((await call('GET', `/sessions/${sessionId}`)).status).toBe(200);
    expect(bus.request).toHaveBeenCalledWith(Commands.SessionGet, { caller, sessionId }, expect.anything());
    expect((await call('POST', `/sessions/${sessionId}/stop`)).status).toBe(200);
    expect(bus.request).toHaveBeenLastCalledWith(Commands.SessionStop, { caller, sessionId }, expect.anything());
    bus.request.mockClear();
    for (const [method, path] of [['GET', '/sessions/nope'], ['POST', '/sessions/nope/stop'], ['POST', '/sessions/nope/turns']]) {
      const response = await call(method!, path!);
      expect(response).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    }
    expect(bus.request).not.toHaveBeenCalled();
  });

  it('submits a multipart turn as base64 with its fields and answers 201 with the ack', async () => {
    bus.request.mockResolvedValue({ ok: true, turnId: 't-1', sequence: 1 });
    const audio = new Uint8Array([0xff, 0xfb, 0x90, 0x44, 1, 2, 3]);
    const response = await call('POST', `/sessions/${sessionId}/turns`, turnForm(audio));
    expect(response).toEqual({ status: 201, body: { ok: true, turnId: 't-1', sequence: 1 } });
    expect(bus.request).toHaveBeenCalledWith(
      Commands.TurnSubmit,
      {
        caller,
        sessionId,
        meta: { sequence: '1', startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:00:02Z' },
        audioBase64: Buffer.from(audio).toString('base64'),
      },
      expect.anything(),
    );
  });

  it('forwards a turn without a file as null audio, for the session service to refuse', async () => {
    bus.request.mockRejectedValue(new AppError('invalid_audio', 'No audio was sent with the turn; please resend the turn as mono MP3'));
    const response = await call('POST', `/sessions/${sessionId}/turns`, turnForm());
    expect(response).toMatchObject({ status: 422, body: { error: { code: 'invalid_audio' } } });
    expect(bus.request.mock.calls[0]![1].audioBase64).toBeNull();
  });

  it.each([
    ['one byte over', MAX_TURN_AUDIO_BYTES + 1],
    ['far over', MAX_TURN_AUDIO_BYTES * 3],
  ])('refuses audio %s 128 KB with 413 and guidance, without a round trip', async (_what, size) => {
    const response = await call('POST', `/sessions/${sessionId}/turns`, turnForm(new Uint8Array(size)));
    expect(response).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
    expect(response.body.error.message).toMatch(/shorter turn.*bitrate/);
    expect(bus.request).not.toHaveBeenCalled();
  });

  it('accepts exactly 128 KB', async () => {
    bus.request.mockResolvedValue({ ok: true, turnId: 't-1', sequence: 1 });
    const response = await call('POST', `/sessions/${sessionId}/turns`, turnForm(new Uint8Array(MAX_TURN_AUDIO_BYTES)));
    expect(response.status).toBe(201);
  });

  it('answers malformed uploads with clear 422s, never 500', async () => {
    const twoFiles = turnForm(new Uint8Array(10));
    twoFiles.append('audio', new Blob([new Uint8Array(10)]), 'again.mp3');
    const wrongField = turnForm();
    wrongField.append('recording', new Blob([new Uint8Array(10)]), 'turn.mp3');
    const longField = turnForm(undefined, { sequence: '1'.repeat(1000) });
    for (const form of [twoFiles, wrongField, longField]) {
      const response = await call('POST', `/sessions/${sessionId}/turns`, form);
      expect(response).toMatchObject({ status: 422, body: { error: { code: 'validation_failed' } } });
    }
    const truncated = await fetch(`${base}/sessions/${sessionId}/turns`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
      body: '--xyz\r\nContent-Disposition: form-data; name="sequence"\r\n\r\n1',
    });
    expect(truncated.status).toBe(422);
    expect(bus.request).not.toHaveBeenCalled();
  });

  it('maps every multer error code to a coded error', () => {
    expect(uploadError({ code: 'LIMIT_FILE_SIZE' })).toMatchObject({ code: 'payload_too_large' });
    for (const code of ['LIMIT_FILE_COUNT', 'LIMIT_UNEXPECTED_FILE', 'LIMIT_PART_COUNT', 'LIMIT_FIELD_KEY', 'MISSING_FIELD_NAME', 'X']) {
      expect(uploadError({ code })).toMatchObject({ code: 'validation_failed', status: 422 });
    }
    expect(uploadError(new Error('Unexpected end of form'))).toMatchObject({ code: 'validation_failed' });
  });
});
