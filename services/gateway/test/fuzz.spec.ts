import { ErrorCode, PRACTICE_NAMESPACE, type ScenarioView } from '@parley/contracts';
import { SERVICES, TestPlatform, api, devToken, sleep } from '@parley/testing';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { io, type Socket } from 'socket.io-client';
import { Rng, badAudio, mutate, randomId, randomObject, randomQuery, randomValue, rawBody } from './fuzz-inputs';
import { PracticeClient, createSession, spokenMp3 } from './practice-client';

const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
/** Requests and socket events; together they take about a minute on two cores. */
const REST_REQUESTS = Number(process.env.FUZZ_REST ?? 2500);
const SOCKET_EVENTS = Number(process.env.FUZZ_SOCKET ?? 2500);
const CONCURRENCY = 6;
/** Longer than any answer should take: a request still open after this is a hang. */
const HANG_MS = 20_000;
/** The gateway's NATS command timeout here: generous, since the fuzz shares two cores with everything else. */
const BUS_TIMEOUT_MS = 12_000;
const SCENARIO = 'support-double-charge';
const CODES = new Set<string>(Object.values(ErrorCode));

interface Ids {
  turn: string;
  text: string;
  realtime: string;
  draft: string;
  /** Ids the fuzzer may put where an id goes besides its own: the owner's, and its own sessions made to be stopped or deleted. */
  others: string[];
}

type Counts = Record<string, number>;
const bump = (counts: Counts, key: string) => (counts[key] = (counts[key] ?? 0) + 1);

interface Target {
  route: string;
  path: (rng: Rng, ids: Ids) => string;
  /** A well-formed body, the starting point of mutations. */
  valid?: (ids: Ids) => Record<string, unknown>;
  /** Query parameters the route knows. */
  query?: string[];
  author?: true;
}

const sessionPath = (suffix = '') => (rng: Rng, ids: Ids) => `/api/sessions/${randomId(rng, [ids.turn, ids.text, ids.realtime, ...ids.others])}${suffix}`;
const now = () => new Date().toISOString();

/** Every REST route with input (the parameterless GETs get random queries). */
const TARGETS: Target[] = [
  { route: 'POST /api/auth/dev-token', path: () => '/api/auth/dev-token', valid: () => ({ userId: 'fuzz-made', roles: ['trainee'] }) },
  { route: 'GET /api/scenarios', path: () => '/api/scenarios', query: ['page', 'pageSize', 'category', 'difficulty', 'language', 'skill', 'search', 'status'] },
  { route: 'GET /api/scenarios/:id', path: (rng, ids) => `/api/scenarios/${randomId(rng, [SCENARIO, ids.draft])}` },
  { route: 'POST /api/scenarios', path: () => '/api/scenarios', valid: () => ({ title: 'Fuzzed draft', summary: 'x', category: 'sales' }), author: true },
  { route: 'PUT /api/scenarios/:id', path: (rng, ids) => `/api/scenarios/${randomId(rng, [ids.draft])}`, valid: () => ({ title: 'Fuzzed update', difficulty: 'easy' }), author: true },
  { route: 'POST /api/scenarios/:id/publish', path: (rng, ids) => `/api/scenarios/${randomId(rng, [ids.draft])}/publish`, author: true },
  { route: 'GET /api/skills', path: () => '/api/skills', query: ['x'] },
  { route: 'GET /api/templates', path: () => '/api/templates', query: ['x'] },
  {
    route: 'POST /api/sessions',
    path: () => '/api/sessions',
    valid: () => ({ scenarioId: SCENARIO, mode: 'text', clientSessionStartedAt: now() }),
  },
  { route: 'GET /api/sessions', path: () => '/api/sessions', query: ['page', 'sort', 'search', 'scenarioId', 'mode', 'status', 'from', 'to', 'historyStepCount'] },
  { route: 'GET /api/sessions/:id', path: sessionPath() },
  { route: 'DELETE /api/sessions/:id', path: (rng, ids) => `/api/sessions/${randomId(rng, ids.others)}` },
  { route: 'POST /api/sessions/:id/practice-again', path: (rng, ids) => `/api/sessions/${randomId(rng, ids.others)}/practice-again`, valid: () => ({ clientSessionStartedAt: now(), mode: 'text' }) },
  { route: 'GET /api/sessions/:id/latency-stats', path: sessionPath('/latency-stats') },
  { route: 'GET /api/sessions/:id/evaluation', path: sessionPath('/evaluation') },
  { route: 'POST /api/sessions/:id/evaluation', path: sessionPath('/evaluation') },
  { route: 'POST /api/sessions/:id/stop', path: (rng, ids) => `/api/sessions/${randomId(rng, ids.others)}/stop` },
  { route: 'POST /api/sessions/:id/turns', path: sessionPath('/turns'), valid: () => ({ sequence: 1, startedAt: new Date(Date.now() - 2000).toISOString(), endedAt: now() }) },
  { route: 'POST /api/chat/wait', path: () => '/api/chat/wait', valid: (ids) => ({ sessionId: ids.text, message: 'Could you tell me why?' }) },
  { route: 'POST /api/chat/streaming', path: () => '/api/chat/streaming', valid: (ids) => ({ sessionId: ids.text, message: 'And then what?' }) },
  { route: 'GET /api/chat/streaming/:streamId', path: (rng, ids) => `/api/chat/streaming/${rng.chance(0.5) ? `${ids.text}.${rng.pick(['1', '3', '999999', '-1', '1.5', 'x'])}` : randomId(rng, ids.others)}` },
  { route: 'GET /api/progress', path: () => '/api/progress', query: ['x'] },
];

/** Socket events with a well-formed payload each (plus made-up event names). */
const SOCKET_PAYLOADS: Record<string, (ids: Ids, mp3: Buffer) => Record<string, unknown>> = {
  join: (ids) => ({ sessionId: ids.turn }),
  trainee_turn: (ids, mp3) => ({ sessionId: ids.turn, sequence: 1, startedAt: new Date(Date.now() - 2000).toISOString(), endedAt: now(), audio: mp3 }),
  stop: (ids) => ({ sessionId: ids.others[0]! }),
  rt_start: (ids) => ({ sessionId: ids.realtime, engine: 'cascade', settings: { debounceMs: 600 } }),
  audio_frame: (ids) => ({ sessionId: ids.realtime, seq: 0, pcm: Buffer.alloc(640) }),
  playback: (ids) => ({ sessionId: ids.realtime, turnId: ids.realtime, playedMs: 100 }),
  interrupt: (ids) => ({ sessionId: ids.realtime }),
  update_settings: (ids) => ({ sessionId: ids.realtime, settings: { debounceMs: 800, voice: 'slt' } }),
};

interface Failure {
  what: string;
  detail: string;
}

/** The error body every refusal must carry. */
function codedError(status: number, body: unknown): string | null {
  const error = (body as { error?: { code?: unknown; status?: unknown; message?: unknown; retryable?: unknown } } | null)?.error;
  if (!error || typeof error !== 'object') return `no error body: ${JSON.stringify(body)?.slice(0, 200)}`;
  if (typeof error.code !== 'string' || !CODES.has(error.code)) return `unknown code ${String(error.code)}`;
  if (error.status !== status) return `body status ${String(error.status)} on a ${status}`;
  if (typeof error.message !== 'string' || typeof error.retryable !== 'boolean') return 'message/retryable missing';
  return null;
}

async function query(databaseUrl: string, sql: string, params: unknown[] = []): Promise<any[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** The owner's rows, as stored: they must come out of the fuzzing exactly as they went in. */
async function ownerRows(databaseUrl: string, userId: string, draftId: string) {
  const sessions = await query(databaseUrl, 'SELECT * FROM practice_sessions WHERE user_id = $1 ORDER BY id', [userId]);
  const ids = sessions.map((s) => s.id);
  return {
    sessions,
    turns: await query(databaseUrl, 'SELECT * FROM turns WHERE session_id = ANY($1::uuid[]) ORDER BY session_id, sequence', [ids]),
    evaluations: await query(databaseUrl, 'SELECT * FROM evaluations WHERE session_id = ANY($1::uuid[]) ORDER BY session_id', [ids]),
    scenarios: await query(databaseUrl, 'SELECT * FROM scenarios WHERE id = $1 OR author_id = $2 ORDER BY id', [draftId, userId]),
    versions: await query(databaseUrl, 'SELECT * FROM scenario_versions WHERE scenario_id = $1 ORDER BY version', [draftId]),
  };
}

/**
 * SPEC §10 "bad input of any kind gets a clear error with a code, and never loses or corrupts stored data": thousands
 * of seeded random and malformed REST bodies, queries, ids, uploads and socket payloads against the real platform.
 * Every answer must be a success or a coded 4xx (never a 5xx or a hang), every process must survive, and afterwards
 * the database must hold no half-written rows and the owner's data must be exactly as before.
 */
describe('fuzzing the REST API and the practice socket', () => {
  let platform: TestPlatform;
  let gateway: string;
  let fuzzer: string;
  let ownerToken: string;
  let ids: Ids;
  let mp3: Buffer;
  let ownerDraft: string;
  let before: Awaited<ReturnType<typeof ownerRows>>;
  const failures: Failure[] = [];
  const restCounts: Counts = {};
  const restKinds: Counts = {};
  const socketCounts: Counts = {};
  const statuses: Counts = {};

  beforeAll(async () => {
    // eslint-disable-next-line no-console
    console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} repeats this run)`);
    // Fuzz validation, not the limiter or the capacity queue.
    // Synthesised first: on a busy machine it takes long enough for idle keep-alive connections to the gateway to lapse.
    mp3 = await spokenMp3('Hello, I would like to know why my card was charged twice');
    // The workers join one by one: five processes booting at once on a loaded two-core machine miss the readiness wait.
    platform = await TestPlatform.start({
      services: ['session', 'gateway'],
      env: {
        RATE_LIMIT_PER_MINUTE: '1000000',
        SOCKET_RATE_LIMIT_PER_MINUTE: '1000000',
        MAX_ACTIVE_SESSIONS: '1000',
        MAX_PENDING_SESSIONS: '50',
        NATS_REQUEST_TIMEOUT_MS: String(BUS_TIMEOUT_MS),
      },
    });
    for (const service of ['turn-pipeline', 'asr', 'evaluator'] as const) await platform.startService(service);
    gateway = platform.url('gateway');
    fuzzer = await devToken(gateway, 'fuzzer', ['trainee', 'author']);
    ownerToken = await devToken(gateway, 'fuzz-owner', ['trainee', 'author']);

    // The owner's good data: a turn session with a trainee turn, a text session with a message, both ended and
    // evaluated (so nothing of theirs moves on its own), and a draft.
    const turnSession = (await createSession(gateway, ownerToken, SCENARIO)).body.session.id as string;
    const client = await PracticeClient.connect(gateway, ownerToken);
    await client.join(turnSession);
    await client.next('ai_turn', (e) => e.turn.sequence === 0);
    const ack = await client.emit('trainee_turn', { sessionId: turnSession, sequence: 1, startedAt: new Date(Date.now() - 3000).toISOString(), endedAt: now(), audio: mp3 });
    if (!ack.ok) throw new Error(`owner turn: ${JSON.stringify(ack)}`);
    await client.next('ai_turn', (e) => e.turn.sequence === 2);
    await client.next('transcript');
    client.close();
    const text = await textSession(ownerToken);
    const chat = await api(gateway, 'POST', '/api/chat/wait', { token: ownerToken, body: { sessionId: text, message: 'Why was I charged twice?' } });
    if (chat.status !== 200) throw new Error(`owner chat: ${JSON.stringify(chat.body)}`);
    for (const id of [turnSession, text]) await api(gateway, 'POST', `/api/sessions/${id}/stop`, { token: ownerToken });
    const scenario = (await api<ScenarioView>(gateway, 'GET', `/api/scenarios/${SCENARIO}`, { token: ownerToken })).body;
    const { id: _i, version: _v, status: _s, estimatedMinutes: _e, offlineRoleplayer: _o, createdAt: _c, updatedAt: _u, ...content } = scenario;
    ownerDraft = (await api(gateway, 'POST', '/api/scenarios', { token: ownerToken, body: { ...content, title: 'Owner draft' } })).body.id;
    await settled(platform.databaseUrl);
    before = await ownerRows(platform.databaseUrl, 'fuzz-owner', ownerDraft);

    // The fuzzer's own sessions, so that inputs reach past the ownership check into validation.
    const fuzzTurn = (await createSession(gateway, fuzzer, SCENARIO)).body.session.id as string;
    const fuzzText = await textSession(fuzzer);
    const realtime = await api(gateway, 'POST', '/api/sessions', { token: fuzzer, body: { scenarioId: SCENARIO, mode: 'realtime', clientSessionStartedAt: now() } });
    const draft = await api(gateway, 'POST', '/api/scenarios', { token: fuzzer, body: { title: 'Fuzzer draft' } });
    // Sessions for stop, delete and practice-again to hit (the three above must stay to be fuzzed).
    const victims = [await textSession(fuzzer), await textSession(fuzzer), (await createSession(gateway, fuzzer, SCENARIO)).body.session.id as string];
    ids = {
      turn: fuzzTurn,
      text: fuzzText,
      realtime: realtime.body.session.id,
      draft: draft.body.id,
      others: [...victims, turnSession, text, ownerDraft],
    };
  }, 180_000);

  afterAll(() => platform?.stop());

  async function textSession(token: string): Promise<string> {
    const created = await api(gateway, 'POST', '/api/sessions', { token, body: { scenarioId: SCENARIO, mode: 'text', clientSessionStartedAt: now() } });
    if (created.status !== 201) throw new Error(`text session: ${JSON.stringify(created.body)}`);
    const id = created.body.session.id as string;
    for (let i = 0; i < 200 && !(await api(gateway, 'GET', `/api/sessions/${id}`, { token })).body.turns.length; i++) await sleep(50);
    return id;
  }

  /** One fuzzed REST request, checked. */
  async function restRequest(rng: Rng): Promise<void> {
    const target = rng.pick(TARGETS);
    const [method] = target.route.split(' ') as [string];
    let path = target.path(rng, ids);
    if (target.query || rng.chance(0.1)) path += randomQuery(rng, target.query ?? ['x']);
    const headers: Record<string, string> = { authorization: `Bearer ${rng.chance(0.03) ? 'x' + fuzzer : fuzzer}` };
    let body: RequestInit['body'];
    let kind: string;
    if (target.route.endsWith('/turns')) {
      kind = 'multipart';
      const form = new FormData();
      const fields = rng.chance(0.7) ? (mutate(rng, target.valid!(ids)) as Record<string, unknown>) : randomObject(rng);
      if (fields && typeof fields === 'object') {
        for (const [key, value] of Object.entries(fields).slice(0, 12)) form.append(key, typeof value === 'string' ? value : JSON.stringify(value) ?? '');
      }
      const audio = rng.chance(0.15) ? mp3 : badAudio(rng, mp3);
      if (rng.chance(0.9)) form.append(rng.chance(0.9) ? 'audio' : rng.pick(['file', 'audio[]', '']), new Blob([new Uint8Array(audio)], { type: 'audio/mpeg' }), 'turn.mp3');
      if (rng.chance(0.05)) form.append('audio', new Blob([new Uint8Array(audio)]), 'second.mp3');
      body = rng.chance(0.1) ? rng.bytes(rng.int(3000)) : form;
      if (body instanceof Uint8Array) headers['content-type'] = rng.pick(['multipart/form-data', 'multipart/form-data; boundary=xyz', 'application/json']);
    } else if (method === 'GET' || method === 'DELETE' || !target.valid) {
      kind = 'no body';
      // fetch sends no body with a GET; a DELETE may carry one.
      if (method !== 'GET' && rng.chance(0.3)) {
        kind = 'unexpected body';
        headers['content-type'] = 'application/json';
        body = JSON.stringify(randomValue(rng));
      }
    } else {
      const valid = target.valid(ids);
      const roll = rng.next();
      if (roll < 0.45) {
        kind = 'mutated json';
        headers['content-type'] = 'application/json';
        body = JSON.stringify(mutate(rng, valid));
      } else if (roll < 0.7) {
        kind = 'random json';
        headers['content-type'] = 'application/json';
        body = JSON.stringify(randomValue(rng));
      } else {
        const raw = rawBody(rng, valid);
        kind = `raw body: ${raw.label}`;
        headers['content-type'] = raw.contentType;
        body = raw.body as RequestInit['body'];
      }
    }
    bump(restCounts, target.route);
    bump(restKinds, kind);
    const what = `${method} ${path.slice(0, 160)} (${kind})`;
    let response: Response;
    const sent = Date.now();
    const send = () => fetch(`${gateway}${path}`, { method, headers, body, signal: AbortSignal.timeout(HANG_MS) });
    try {
      response = await send().catch((error: Error & { cause?: { code?: string; message?: string } }) => {
        // A pooled keep-alive connection the server closed as the request went out (slow machine): sent again once
        // on a new connection. A server that drops this input every time still fails.
        if (error.name === 'TimeoutError' || !/other side closed|ECONNRESET/.test(`${error.cause?.code} ${error.cause?.message}`)) throw error;
        bump(statuses, 'resent after a closed keep-alive connection');
        return send();
      });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      failures.push({ what, detail: `no answer: ${(error as Error).message}${cause ? ` (${cause})` : ''}` });
      return;
    }
    bump(statuses, String(response.status));
    const text = await response.text().catch((error: Error) => `<<body failed: ${error.message}>>`);
    // A command that really took the whole bus timeout is a slow machine, not a bad answer; an early 504 is a bug.
    if (response.status === 504 && Date.now() - sent >= BUS_TIMEOUT_MS) {
      bump(statuses, '504 after the bus timeout');
      return;
    }
    if (response.status >= 500) {
      failures.push({ what, detail: `${response.status} after ${Date.now() - sent} ms: ${text.slice(0, 300)}` });
      return;
    }
    if (response.status >= 400) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        failures.push({ what, detail: `${response.status} not JSON: ${text.slice(0, 200)}` });
        return;
      }
      const problem = codedError(response.status, parsed);
      if (problem) failures.push({ what, detail: `${response.status} ${problem}` });
    }
  }

  /** One fuzzed socket event on `socket`, checked through its ack (or its `error` event when it has none). */
  async function socketEvent(rng: Rng, socket: Socket): Promise<void> {
    const known = Object.keys(SOCKET_PAYLOADS);
    const event = rng.chance(0.08) ? rng.pick(['', 'connect', 'disconnect', 'error', 'constructor', '__proto__', 'hasOwnProperty', 'toString', 'x'.repeat(300), 'ai_turn']) : rng.pick(known);
    const valid = Object.hasOwn(SOCKET_PAYLOADS, event) ? SOCKET_PAYLOADS[event]!(ids, mp3) : { sessionId: ids.turn };
    let payload: unknown;
    let kind: string;
    const roll = rng.next();
    if (roll < 0.5) {
      kind = 'mutated';
      payload = mutate(rng, valid);
      if (event === 'trainee_turn' && payload && typeof payload === 'object' && rng.chance(0.5)) (payload as Record<string, unknown>).audio = badAudio(rng, mp3);
    } else if (roll < 0.75) {
      kind = 'random';
      payload = randomValue(rng);
    } else if (roll < 0.85) {
      kind = 'binary';
      payload = rng.chance(0.5) ? rng.bytes(rng.int(5000)) : { ...valid, sessionId: rng.bytes(16), pcm: rng.bytes(rng.int(4000)) };
    } else if (roll < 0.9) {
      kind = 'oversize';
      // Beyond socket.io's 1 MB message limit: the server closes that connection, nothing else.
      payload = { ...valid, pad: 'x'.repeat(1_100_000) };
    } else {
      kind = 'several args';
      payload = valid;
    }
    bump(socketCounts, `${event.slice(0, 20) || '(empty)'}:${kind}`);
    // Frames have no ack (SPEC §7.1): a bad one is answered with an `error` event, checked after the run.
    const withAck = event !== 'audio_frame';
    const what = `socket ${event.slice(0, 40)} (${kind}) ${summarize(payload)}`;
    if (!socket.connected) return;
    if (['connect', 'disconnect'].includes(event)) {
      // socket.io clients refuse to send reserved names; a raw client could, so the server side is tested elsewhere.
      expect(() => socket.emit(event, payload)).toThrow(/reserved/);
      return;
    }
    if (!withAck) {
      socket.emit(event, payload);
      // An oversize frame closes the connection; let that happen before the next event is blamed for it.
      if (kind === 'oversize') await new Promise<void>((done) => {
        const timer = setTimeout(done, 3_000);
        socket.once('disconnect', () => (clearTimeout(timer), done()));
      });
      return;
    }
    const extra = [randomValue(rng), rng.bytes(10)];
    const answer = await new Promise<unknown>((resolve) => {
      const finish = (response: unknown) => {
        clearTimeout(timer);
        socket.off('disconnect', closed);
        resolve(response);
      };
      const closed = () => finish('disconnected');
      const timer = setTimeout(() => finish('hang'), HANG_MS);
      socket.on('disconnect', closed);
      if (kind === 'several args') socket.emit(event, payload, ...extra, finish);
      else socket.emit(event, payload, finish);
    });
    if (answer === 'disconnected') {
      if (kind !== 'oversize') failures.push({ what, detail: 'the server closed the connection' });
      return;
    }
    if (answer === 'hang') {
      failures.push({ what, detail: `no ack within ${HANG_MS} ms` });
      return;
    }
    const response = answer as { ok?: unknown; error?: { code?: unknown; status?: unknown } };
    if (response?.ok === true) return;
    if (response?.ok !== false || !response.error) {
      failures.push({ what, detail: `ack is neither ok nor an error: ${JSON.stringify(answer)?.slice(0, 200)}` });
      return;
    }
    const problem = codedError(Number(response.error.status), response);
    if (problem) failures.push({ what, detail: problem });
    else if (Number(response.error.status) >= 500) failures.push({ what, detail: `${JSON.stringify(response.error).slice(0, 300)}` });
  }

  it('answers every malformed request and event with a coded error, and no process dies', async () => {
    const started = Date.now();
    const rng = new Rng(SEED);

    // REST: a few workers draining one seeded sequence of requests.
    let restLeft = REST_REQUESTS;
    const restWorkers = Array.from({ length: CONCURRENCY }, async (_, w) => {
      const mine = new Rng(SEED + 1 + w);
      while (restLeft-- > 0) await restRequest(mine);
    });

    // Sockets: a few connections, each sending its share; a connection the server closed (oversize) is replaced.
    const socketErrors: unknown[] = [];
    const socketWorkers = Array.from({ length: 3 }, async (_, w) => {
      const mine = new Rng(SEED + 100 + w);
      let socket = await connect(gateway, fuzzer);
      socket.on('error', (e: unknown) => socketErrors.push(e));
      for (let i = 0; i < SOCKET_EVENTS / 3; i++) {
        if (!socket.connected) {
          socket.close();
          bump(socketCounts, '(reconnect)');
          socket = await connect(gateway, fuzzer);
          socket.on('error', (e: unknown) => socketErrors.push(e));
        }
        await socketEvent(mine, socket);
      }
      socket.close();
    });

    // Handshakes: random auth objects are refused with a coded error.
    for (let i = 0; i < 40; i++) {
      const auth = rng.chance(0.5) ? randomObject(rng) : { token: randomValue(rng) };
      const result = await handshake(gateway, auth);
      bump(socketCounts, 'handshake');
      if (result.connected || result.data?.code !== 'unauthorized') failures.push({ what: `handshake ${JSON.stringify(auth).slice(0, 80)}`, detail: JSON.stringify(result) });
    }

    await Promise.all([...restWorkers, ...socketWorkers]);
    const took = Date.now() - started;
    for (const error of socketErrors) {
      const { code, message, retryable } = (error ?? {}) as { code?: unknown; message?: unknown; retryable?: unknown };
      if (typeof code !== 'string' || !CODES.has(code) || code === 'internal' || typeof message !== 'string' || typeof retryable !== 'boolean') {
        failures.push({ what: 'socket error event', detail: JSON.stringify(error) });
      }
    }

    // eslint-disable-next-line no-console
    console.log(
      [
        `fuzz seed ${SEED}: ${REST_REQUESTS} REST requests and ${SOCKET_EVENTS} socket events in ${(took / 1000).toFixed(1)} s`,
        `REST by kind: ${JSON.stringify(restKinds)}`,
        `REST by route: ${JSON.stringify(restCounts)}`,
        `REST statuses: ${JSON.stringify(statuses)}`,
        `socket events: ${JSON.stringify(socketCounts)}`,
        `socket error events: ${socketErrors.length}`,
        `failures: ${failures.length}`,
        ...failures.slice(0, 40).map((f) => `  ${f.what} → ${f.detail}`),
      ].join('\n'),
    );
    expect(failures).toEqual([]);

    for (const service of SERVICES) {
      expect({ service, running: platform.isRunning(service) }).toEqual({ service, running: true });
      expect({ service, health: (await fetch(`${platform.url(service)}/health`)).status }).toEqual({ service, health: 200 });
    }
  }, 300_000);

  it('leaves no half-written rows or orphaned audio, and the owner’s data exactly as it was', async () => {
    await settled(platform.databaseUrl);
    const db = platform.databaseUrl;
    expect(await query(db, `SELECT id, status FROM practice_sessions WHERE status = 'pending'`)).toEqual([]);
    // Turns are gap-free from the opening, and the session's counter points just past the last one.
    expect(
      await query(
        db,
        `SELECT s.id, s.mode, s.next_sequence, count(t.id)::int AS turns, max(t.sequence) AS last
           FROM practice_sessions s LEFT JOIN turns t ON t.session_id = s.id
          WHERE s.mode <> 'realtime'
          GROUP BY s.id HAVING count(t.id) <> coalesce(max(t.sequence) + 1, 0) OR s.next_sequence < count(t.id)`,
      ),
    ).toEqual([]);
    // Spoken turns carry their audio; typed ones none.
    expect(
      await query(
        db,
        `SELECT t.id, s.mode, t.speaker, t.audio_key, t.audio_bytes FROM turns t JOIN practice_sessions s ON s.id = t.session_id
          WHERE (s.mode = 'turn' AND (t.audio_key IS NULL OR t.audio_bytes IS NULL OR t.audio_bytes <= 0))
             OR (s.mode = 'text' AND t.audio_key IS NOT NULL)`,
      ),
    ).toEqual([]);
    expect(await query(db, `SELECT id, topic, attempts FROM session_outbox WHERE created_at < now() - interval '30 seconds'`)).toEqual([]);
    // Every audio object belongs to a turn, and every turn's audio exists.
    const s3 = new S3Client({ endpoint: platform.s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const objects = new Set<string>();
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: platform.s3.bucket, ContinuationToken: token }));
      for (const object of page.Contents ?? []) objects.add(object.Key!);
      token = page.NextContinuationToken;
    } while (token);
    const keys = new Set((await query(db, 'SELECT audio_key FROM turns WHERE audio_key IS NOT NULL')).map((r) => r.audio_key as string));
    expect([...objects].filter((key) => !keys.has(key))).toEqual([]);
    expect([...keys].filter((key) => !objects.has(key))).toEqual([]);
    // Scenario rows stay well-formed: no polluted keys made it into stored content.
    expect(await query(db, `SELECT scenario_id, version FROM scenario_versions WHERE content::text ~ '"(__proto__|constructor|prototype)"'`)).toEqual([]);

    expect(await ownerRows(db, 'fuzz-owner', ownerDraft)).toEqual(before);
    // And the owner can still read all of it.
    for (const id of before.sessions.map((s) => s.id)) expect((await api(gateway, 'GET', `/api/sessions/${id}`, { token: ownerToken })).status).toBe(200);
  }, 120_000);
});

/** A short description of a payload for failure reports (binary shown by size). */
function summarize(payload: unknown): string {
  // Buffers reach the replacer already as {type: 'Buffer', data}.
  const text = JSON.stringify(payload, (_key, value: { type?: unknown; data?: unknown[] } | null) =>
    value?.type === 'Buffer' && Array.isArray(value.data) ? `<${value.data.length} bytes>` : value,
  );
  return (text ?? String(payload)).slice(0, 200);
}

/** Background work (transcripts, replies, evaluations, outbox relays) has finished: nothing pending for a moment. */
async function settled(databaseUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let quiet = 0;
  while (Date.now() < deadline) {
    const [row] = await query(
      databaseUrl,
      `SELECT (SELECT count(*) FROM turns WHERE transcription_status = 'pending')
            + (SELECT count(*) FROM practice_sessions WHERE status IN ('pending', 'ending'))
            + (SELECT count(*) FROM evaluations WHERE status IN ('queued', 'running'))
            + (SELECT count(*) FROM session_outbox) AS busy`,
    );
    quiet = Number(row.busy) === 0 ? quiet + 1 : 0;
    if (quiet >= 3) return;
    await sleep(300);
  }
  throw new Error('background work did not settle within 60 s');
}

async function connect(gateway: string, token: string): Promise<Socket> {
  const socket = io(`${gateway}${PRACTICE_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

function handshake(gateway: string, auth: Record<string, unknown>): Promise<{ connected: boolean; data?: any }> {
  const socket = io(`${gateway}${PRACTICE_NAMESPACE}`, { auth, transports: ['websocket'], reconnection: false });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve({ connected: true });
    });
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.close();
      resolve({ connected: false, data: error.data });
    });
  });
}
