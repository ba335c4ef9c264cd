import { PRACTICE_NAMESPACE, type ClientToServerEvents, type ScenarioView } from '@parley/contracts';
import { TestPlatform, api, devToken, sleep, type ApiResponse } from '@parley/testing';
import jwt from 'jsonwebtoken';
import { io } from 'socket.io-client';
import { PracticeClient, createSession, spokenMp3 } from './practice-client';
import { gatewayRoutes } from './security-routes';

const SCENARIO = 'support-double-charge';

/** What trainee A owns; trainee B (and author B) try every route and event with these ids. */
interface Owned {
  turnSession: string;
  textSession: string;
  realtimeSession: string;
  streamId: string;
  freeScenario: string;
  draft: string;
  turnId: string;
}

interface Call {
  path: string;
  body?: unknown;
}

/**
 * Every REST route, keyed as {@link gatewayRoutes} names them. `call` is a well-formed request with A's ids (what an
 * intruder would send); `foreign` says how another user's ids are kept out: `not_found` (the id is refused), or a
 * check of the listing the route answers with. A new controller route fails the table test until it is added here.
 */
const ROUTES: Record<string, { public?: true; call: (o: Owned) => Call; foreign: 'not_found' | 'own data only' }> = {
  'POST /api/auth/dev-token': { public: true, call: () => ({ path: '/api/auth/dev-token', body: { userId: 'x' } }), foreign: 'own data only' },
  // The queue dashboard's cookie: operators only, and it holds nothing of any trainee.
  'POST /api/admin/session': { call: () => ({ path: '/api/admin/session' }), foreign: 'own data only' },
  'DELETE /api/admin/session': { call: () => ({ path: '/api/admin/session' }), foreign: 'own data only' },
  'GET /api/auth/config': { public: true, call: () => ({ path: '/api/auth/config' }), foreign: 'own data only' },
  'GET /api/scenarios': { call: () => ({ path: '/api/scenarios' }), foreign: 'own data only' },
  'GET /api/scenarios/:id': { call: (o) => ({ path: `/api/scenarios/${o.draft}` }), foreign: 'not_found' },
  'POST /api/scenarios': { call: () => ({ path: '/api/scenarios', body: { title: 'x' } }), foreign: 'own data only' },
  'PUT /api/scenarios/:id': { call: (o) => ({ path: `/api/scenarios/${o.draft}`, body: { title: 'Hijacked' } }), foreign: 'not_found' },
  'POST /api/scenarios/:id/publish': { call: (o) => ({ path: `/api/scenarios/${o.draft}/publish` }), foreign: 'not_found' },
  'GET /api/skills': { call: () => ({ path: '/api/skills' }), foreign: 'own data only' },
  'GET /api/templates': { call: () => ({ path: '/api/templates' }), foreign: 'own data only' },
  'POST /api/sessions': {
    // Someone else's free-practice scenario cannot be practised.
    call: (o) => ({ path: '/api/sessions', body: { scenarioId: o.freeScenario, mode: 'turn', clientSessionStartedAt: new Date().toISOString() } }),
    foreign: 'not_found',
  },
  'GET /api/sessions': { call: () => ({ path: '/api/sessions?historyStepCount=1' }), foreign: 'own data only' },
  'GET /api/sessions/:id': { call: (o) => ({ path: `/api/sessions/${o.turnSession}` }), foreign: 'not_found' },
  'DELETE /api/sessions/:id': { call: (o) => ({ path: `/api/sessions/${o.turnSession}` }), foreign: 'not_found' },
  'POST /api/sessions/:id/practice-again': {
    call: (o) => ({ path: `/api/sessions/${o.turnSession}/practice-again`, body: { clientSessionStartedAt: new Date().toISOString() } }),
    foreign: 'not_found',
  },
  'GET /api/sessions/:id/latency-stats': { call: (o) => ({ path: `/api/sessions/${o.realtimeSession}/latency-stats` }), foreign: 'not_found' },
  'GET /api/sessions/:id/evaluation': { call: (o) => ({ path: `/api/sessions/${o.textSession}/evaluation` }), foreign: 'not_found' },
  'POST /api/sessions/:id/evaluation': { call: (o) => ({ path: `/api/sessions/${o.textSession}/evaluation` }), foreign: 'not_found' },
  'POST /api/sessions/:id/stop': { call: (o) => ({ path: `/api/sessions/${o.turnSession}/stop` }), foreign: 'not_found' },
  'POST /api/sessions/:id/turns': {
    call: (o) => ({ path: `/api/sessions/${o.turnSession}/turns`, body: { sequence: 3, startedAt: new Date(Date.now() - 2000).toISOString(), endedAt: new Date().toISOString() } }),
    foreign: 'not_found',
  },
  'POST /api/chat/wait': { call: (o) => ({ path: '/api/chat/wait', body: { sessionId: o.textSession, message: 'hello there' } }), foreign: 'not_found' },
  'POST /api/chat/streaming': { call: (o) => ({ path: '/api/chat/streaming', body: { sessionId: o.textSession, message: 'hello there' } }), foreign: 'not_found' },
  'GET /api/chat/streaming/:streamId': { call: (o) => ({ path: `/api/chat/streaming/${o.streamId}` }), foreign: 'not_found' },
  'GET /api/progress': { call: () => ({ path: '/api/progress' }), foreign: 'own data only' },
};

/** Every client → server socket event (the type makes a new event in the contract a compile error here). */
const EVENTS: Record<keyof ClientToServerEvents, (o: Owned) => Record<string, unknown>> = {
  join: (o) => ({ sessionId: o.turnSession }),
  trainee_turn: (o) => ({ sessionId: o.turnSession, sequence: 3, startedAt: new Date(Date.now() - 2000).toISOString(), endedAt: new Date().toISOString(), audio: Buffer.alloc(2048, 1) }),
  stop: (o) => ({ sessionId: o.turnSession }),
  rt_start: (o) => ({ sessionId: o.realtimeSession }),
  audio_frame: (o) => ({ sessionId: o.realtimeSession, seq: 0, pcm: Buffer.alloc(640) }),
  playback: (o) => ({ sessionId: o.realtimeSession, turnId: o.turnId, playedMs: 10 }),
  interrupt: (o) => ({ sessionId: o.realtimeSession }),
  update_settings: (o) => ({ sessionId: o.realtimeSession, settings: { debounceMs: 800 } }),
};

const methodOf = (route: string) => route.split(' ')[0]!;

function request(gateway: string, route: string, call: Call, headers: Record<string, string>): Promise<ApiResponse> {
  return api(gateway, methodOf(route), call.path, { body: call.body, headers });
}

function expectCodedError(response: ApiResponse, status: number, code: string): void {
  expect({ status: response.status, code: response.body?.error?.code }).toEqual({ status, code });
  expect(response.body.error).toMatchObject({ status, message: expect.any(String), retryable: expect.any(Boolean) });
}

/** Refused handshakes: the `connect_error` a client sees, with its coded data. */
function handshake(gateway: string, options: { auth?: Record<string, unknown>; extraHeaders?: Record<string, string> }): Promise<any> {
  const socket = io(`${gateway}${PRACTICE_NAMESPACE}`, { ...options, transports: ['websocket'], reconnection: false });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve({ connected: true });
    });
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.close();
      resolve({ connected: false, message: error.message, data: error.data });
    });
  });
}

/** A's data as A sees it, with presigned URLs (re-signed at every read) reduced to their object path. */
async function snapshot(gateway: string, token: string, owned: Owned, author: string) {
  const unsigned = (body: any) => ({ ...body, turns: body.turns.map((t: any) => ({ ...t, audioUrl: t.audioUrl?.split('?')[0] ?? null })) });
  const sessions = await Promise.all(
    [owned.turnSession, owned.textSession, owned.realtimeSession].map(async (id) => unsigned((await api(gateway, 'GET', `/api/sessions/${id}`, { token })).body)),
  );
  const history = (await api(gateway, 'GET', '/api/sessions?historyStepCount=1', { token })).body;
  const draft = (await api(gateway, 'GET', `/api/scenarios/${owned.draft}`, { token: author })).body;
  return { sessions, history, draft };
}

/**
 * SPEC §10: every REST route and socket connection needs a valid token, and another trainee's ids are a 404 on every
 * route and event, without changing anything of theirs.
 */
describe('security: authentication and ownership', () => {
  let platform: TestPlatform;
  let gateway: string;
  let tokenA: string;
  let tokenB: string;
  let authorA: string;
  let authorB: string;
  let owned: Owned;

  beforeAll(async () => {
    platform = await TestPlatform.start({
      services: ['gateway', 'session', 'turn-pipeline', 'asr', 'evaluator'],
      env: { RATE_LIMIT_PER_MINUTE: '100000', SOCKET_RATE_LIMIT_PER_MINUTE: '100000' },
    });
    gateway = platform.url('gateway');
    tokenA = await devToken(gateway, 'owner-a');
    tokenB = await devToken(gateway, 'intruder-b');
    authorA = await devToken(gateway, 'author-a', ['author']);
    authorB = await devToken(gateway, 'author-b', ['author', 'trainee']);

    // A turn session with its opening and one trainee turn.
    const turnSession = (await createSession(gateway, tokenA, SCENARIO)).body.session.id as string;
    const client = await PracticeClient.connect(gateway, tokenA);
    await client.join(turnSession);
    await client.next('ai_turn', (e) => e.turn.sequence === 0);
    const ack = await client.emit('trainee_turn', {
      sessionId: turnSession,
      sequence: 1,
      startedAt: new Date(Date.now() - 3000).toISOString(),
      endedAt: new Date().toISOString(),
      audio: await spokenMp3('Hello, could you verify the email on the account'),
    });
    if (!ack.ok) throw new Error(`turn: ${JSON.stringify(ack)}`);
    await client.next('ai_turn', (e) => e.turn.sequence === 2);
    client.close();

    // A text session from A's own prompt (a free-practice scenario of A's), one message answered, then ended.
    const text = await api(gateway, 'POST', '/api/sessions', {
      token: tokenA,
      body: { mode: 'text', systemPrompt: 'You are a patient bank clerk who explains fees.', clientSessionStartedAt: new Date().toISOString() },
    });
    if (text.status !== 201) throw new Error(`text session: ${JSON.stringify(text.body)}`);
    const textSession = text.body.session.id as string;
    for (let i = 0; i < 200 && !(await api(gateway, 'GET', `/api/sessions/${textSession}`, { token: tokenA })).body.turns.length; i++) await sleep(50);
    const reply = await api(gateway, 'POST', '/api/chat/wait', { token: tokenA, body: { sessionId: textSession, message: 'Why was I charged twice?' } });
    if (reply.status !== 200) throw new Error(`chat: ${JSON.stringify(reply.body)}`);
    const stopped = await api(gateway, 'POST', `/api/sessions/${textSession}/stop`, { token: tokenA });
    if (stopped.status !== 200) throw new Error(`stop: ${JSON.stringify(stopped.body)}`);
    for (let i = 0; i < 200; i++) {
      const evaluation = await api(gateway, 'GET', `/api/sessions/${textSession}/evaluation`, { token: tokenA });
      if (evaluation.status === 200 && ['succeeded', 'failed'].includes(evaluation.body.status)) break;
      await sleep(100);
    }

    const realtime = await api(gateway, 'POST', '/api/sessions', {
      token: tokenA,
      body: { scenarioId: SCENARIO, mode: 'realtime', clientSessionStartedAt: new Date().toISOString() },
    });
    if (realtime.status !== 201) throw new Error(`realtime session: ${JSON.stringify(realtime.body)}`);

    const scenario = (await api<ScenarioView>(gateway, 'GET', `/api/scenarios/${SCENARIO}`, { token: authorA })).body;
    const { id: _i, version: _v, status: _s, estimatedMinutes: _e, offlineRoleplayer: _o, createdAt: _c, updatedAt: _u, ...content } = scenario;
    const draft = await api(gateway, 'POST', '/api/scenarios', { token: authorA, body: { ...content, title: 'A private draft' } });
    if (draft.status !== 201) throw new Error(`draft: ${JSON.stringify(draft.body)}`);

    owned = {
      turnSession,
      textSession,
      realtimeSession: realtime.body.session.id,
      streamId: `${textSession}.${reply.body.turns[1].sequence}`,
      freeScenario: text.body.session.scenarioId,
      draft: draft.body.id,
      turnId: ack.turnId,
    };
  }, 180_000);

  afterAll(() => platform?.stop());

  it('knows every REST route the gateway serves (add new routes to the table)', () => {
    expect(gatewayRoutes()).toEqual(Object.keys(ROUTES).sort());
  });

  it('answers 401 with a coded error on every route without a valid token', async () => {
    const wrongKey = jwt.sign({ roles: ['trainee'] }, 'not-the-gateway-secret-at-all', { subject: 'owner-a', expiresIn: 600 });
    const unsigned = jwt.sign({ roles: ['trainee'] }, '', { subject: 'owner-a', algorithm: 'none' });
    const credentials: Array<Record<string, string>> = [
      {},
      { authorization: '' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer not-a-jwt' },
      { authorization: `Basic ${Buffer.from('owner-a:pw').toString('base64')}` },
      { authorization: `Bearer ${wrongKey}` },
      { authorization: `Bearer ${unsigned}` },
      { authorization: `Bearer ${tokenA.slice(0, -4)}AAAA` },
    ];
    let checked = 0;
    for (const [route, spec] of Object.entries(ROUTES)) {
      if (spec.public) continue;
      for (const headers of credentials) {
        expectCodedError(await request(gateway, route, spec.call(owned), headers), 401, 'unauthorized');
        checked++;
      }
    }
    expect(checked).toBe(Object.values(ROUTES).filter((r) => !r.public).length * credentials.length);
  });

  it('serves the public routes (sign-in) without a token', async () => {
    for (const [route, spec] of Object.entries(ROUTES)) {
      if (!spec.public) continue;
      const response = await request(gateway, route, spec.call(owned), {});
      expect({ route, status: response.status }).toEqual({ route, status: methodOf(route) === 'POST' ? 201 : 200 });
    }
  });

  it('refuses socket handshakes without a valid token with a coded error', async () => {
    const wrongKey = jwt.sign({ roles: ['trainee'] }, 'not-the-gateway-secret-at-all', { subject: 'owner-a' });
    const attempts = [
      {},
      { auth: { token: '' } },
      { auth: { token: 42 } },
      { auth: { token: 'not-a-jwt' } },
      { auth: { token: wrongKey } },
      { auth: { token: { $ne: null } } },
      { extraHeaders: { authorization: 'Bearer not-a-jwt' } },
      { extraHeaders: { authorization: `Basic ${tokenA}` } },
    ];
    for (const attempt of attempts) {
      const result = await handshake(gateway, attempt);
      expect(result).toMatchObject({ connected: false, data: { code: 'unauthorized', message: expect.any(String), retryable: false } });
    }
    // The same handshake with the token connects, so the refusals above were about the token.
    expect(await handshake(gateway, { auth: { token: tokenA } })).toEqual({ connected: true });
  });

  it("answers 404 on every REST route given another user's ids, and changes nothing of theirs", async () => {
    const before = await snapshot(gateway, tokenA, owned, authorA);
    for (const [route, spec] of Object.entries(ROUTES)) {
      if (spec.foreign !== 'not_found') continue;
      // Scenario routes need the author role to get past the role check; B is an author too.
      const token = route.includes('/scenarios') ? authorB : tokenB;
      const call = spec.call(owned);
      const response = route === 'POST /api/sessions/:id/turns' ? await turnUpload(gateway, token, call) : await api(gateway, methodOf(route), call.path, { token, body: call.body });
      try {
        expectCodedError(response, 404, 'not_found');
      } catch (error) {
        throw new Error(`${route}: ${response.status} ${JSON.stringify(response.body)}`, { cause: error });
      }
    }
    // Routes that answer lists show B only B's own things.
    const history = await api(gateway, 'GET', '/api/sessions?historyStepCount=1', { token: tokenB });
    expect(history.status).toBe(200);
    expect(history.body.items).toEqual([]);
    const progress = await api(gateway, 'GET', '/api/progress', { token: tokenB });
    expect(progress.status).toBe(200);
    expect(JSON.stringify(progress.body)).not.toMatch(new RegExp(`${owned.turnSession}|${owned.textSession}|${owned.freeScenario}`));
    const catalog = await api(gateway, 'GET', '/api/scenarios?pageSize=100', { token: authorB });
    expect(JSON.stringify(catalog.body)).not.toMatch(new RegExp(`${owned.draft}|${owned.freeScenario}`));

    expect(await snapshot(gateway, tokenA, owned, authorA)).toEqual(before);
  });

  it("answers not_found to every socket event given another user's session", async () => {
    const before = await snapshot(gateway, tokenA, owned, authorA);
    const intruder = await PracticeClient.connect(gateway, tokenB);
    try {
      for (const [event, payload] of Object.entries(EVENTS) as Array<[keyof ClientToServerEvents, (o: Owned) => Record<string, unknown>]>) {
        let error: any;
        if (event === 'audio_frame') {
          // Frames have no ack: the refusal comes as an `error` event.
          const seen = intruder.events.length;
          intruder.socket.emit('audio_frame', payload(owned) as never);
          for (let i = 0; i < 200 && !error; i++) {
            error = intruder.events.slice(seen).find((e) => e.name === 'error')?.payload;
            if (!error) await sleep(25);
          }
        } else {
          const ack = await intruder.emit(event, payload(owned) as never);
          error = ack.ok ? ack : ack.error;
        }
        try {
          expect(error).toMatchObject({ code: 'not_found', message: expect.any(String) });
        } catch (failure) {
          throw new Error(`${event}: ${JSON.stringify(error)}`, { cause: failure });
        }
      }
      // Owning the session, but not having joined it on this socket, is a different (409) answer.
      const owner = await PracticeClient.connect(gateway, tokenA);
      const ack = await owner.emit('rt_start', { sessionId: owned.realtimeSession } as never);
      owner.close();
      expect(ack.error).toMatchObject({ code: 'conflict' });
    } finally {
      intruder.close();
    }
    expect(await snapshot(gateway, tokenA, owned, authorA)).toEqual(before);
  });
});

/** A multipart turn upload with a small (valid-looking) file: ownership must be refused before the audio matters. */
async function turnUpload(gateway: string, token: string, call: Call): Promise<ApiResponse> {
  const form = new FormData();
  for (const [key, value] of Object.entries(call.body as Record<string, unknown>)) form.append(key, String(value));
  form.append('audio', new Blob([new Uint8Array(2048)], { type: 'audio/mpeg' }), 'turn.mp3');
  return api(gateway, 'POST', call.path, { token, body: form });
}
