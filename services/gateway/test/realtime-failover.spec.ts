import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import IORedis from 'ioredis';
import { FAKE_JUDGE_REPLY, TestPlatform, api, devToken, sleep, startFakeOpenAi, testInfra, type FakeOpenAi } from '@parley/testing';
import { RealtimeClient, joinPcm, playAll, realtimeSession, silencePcm, speechPcm, statesSince, trimSilence } from './realtime-client';

const LOG_DIR = resolve(__dirname, '../../../test-artifacts/logs');

/** A trainee connected to a fresh realtime session whose opening turn has been played. */
async function opened(gateway: string, user: string) {
  const token = await devToken(gateway, user);
  const sessionId = await realtimeSession(gateway, token);
  const client = await RealtimeClient.connect(gateway, token);
  expect(await client.ask('join', { sessionId })).toMatchObject({ ok: true });
  playAll(client, sessionId);
  expect(await client.ask('rt_start', { sessionId })).toMatchObject({ ok: true, engine: 'cascade' });
  await client.next('turn_stored', (e) => e.turn.sequence === 0);
  await client.next('state_change', (e) => e.from === 'SPEAKING' && e.to === 'IDLE');
  return { token, sessionId, client };
}

async function sessionOf(gateway: string, token: string, sessionId: string) {
  return (await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token })).body;
}

describe('realtime: the owner replica dies (offline providers)', () => {
  let platform: TestPlatform;
  let gateway: string;
  let question: Int16Array;

  beforeAll(async () => {
    platform = await TestPlatform.start({
      services: ['gateway', 'session', 'turn-pipeline'],
      env: { RT_REJOIN_GRACE_MS: '1500' },
      replicas: { session: 2, gateway: 2 },
    });
    gateway = platform.url('gateway');
    question = trimSilence(await speechPcm('Could you please verify the email on your account'));
  }, 120_000);

  afterAll(() => platform?.stop());

  /** Which session replica logged starting the conversation (each replica logs to its own file). */
  function owner(sessionId: string): 1 | 2 | null {
    for (const replica of [1, 2] as const) {
      const file = join(LOG_DIR, `${platform.namespace}-session${replica === 1 ? '' : '-2'}.log`);
      if (!existsSync(file)) continue;
      const started = readFileSync(file, 'utf8')
        .split('\n')
        .some((line) => line.includes(sessionId) && line.includes('conversation started'));
      if (started) return replica;
    }
    return null;
  }

  it('a trainee who rejoins within the grace continues the session (on whichever replica)', async () => {
    const { token, sessionId, client } = await opened(gateway, 'rt-rejoin');
    const closedAt = Date.now();
    client.close();
    await sleep(400);
    const back = await RealtimeClient.connect(gateway, token);
    try {
      expect(await back.ask('join', { sessionId })).toMatchObject({ ok: true });
      playAll(back, sessionId);
      expect(await back.ask('rt_start', { sessionId })).toMatchObject({ ok: true, engine: 'cascade', state: 'IDLE' });
      await sleep(Math.max(0, closedAt + 2_000 - Date.now())); // past the grace of the first absence
      await back.speak(sessionId, joinPcm(question, silencePcm(900)));
      const ai = await back.next('turn_stored', (e) => e.turn.speaker === 'ai', 20_000);
      expect(ai.payload.turn.sequence).toBe(2);
      const detail = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
      expect(detail.body.session.status).toBe('active');
      expect(detail.body.turns.map((t: { speaker: string }) => t.speaker)).toEqual(['ai', 'trainee', 'ai']);
    } finally {
      back.close();
    }
  });

  it('a trainee who rejoins while another replica takes the conversation over gets it once that replica is ready', async () => {
    const { token, sessionId, client } = await opened(gateway, 'rt-rejoin-takeover');
    const redis = new IORedis(testInfra().redisUrl);
    let back: RealtimeClient | undefined;
    try {
      client.close();
      await sleep(400); // the owner has closed the conversation and freed its lease
      // Another replica holds the lease and has not opened the conversation yet: its takeover scan won the lease an
      // instant before this rt_start. It lapses after a second, and a takeover opens the conversation.
      await redis.set(`${platform.namespace}:rt:lease:${sessionId}`, 'another-replica', 'PX', 1_000);
      back = await RealtimeClient.connect(gateway, token);
      expect(await back.ask('join', { sessionId })).toMatchObject({ ok: true });
      playAll(back, sessionId);
      expect(await back.ask('rt_start', { sessionId })).toMatchObject({ ok: true, engine: 'cascade', state: 'IDLE' });
      await back.speak(sessionId, joinPcm(question, silencePcm(900)));
      const ai = await back.next('turn_stored', (e) => e.turn.speaker === 'ai', 20_000);
      expect(ai.payload.turn.sequence).toBe(2);
      expect((await sessionOf(gateway, token, sessionId)).session.status).toBe('active');
    } finally {
      back?.close();
      redis.disconnect();
    }
  });

  it('a socket closing on one gateway does not end the session while the trainee is still joined on another', async () => {
    const { token, sessionId, client } = await opened(platform.replicaUrl('gateway', 1), 'rt-two-gateways');
    const other = await RealtimeClient.connect(platform.replicaUrl('gateway', 2), token);
    try {
      expect(await other.ask('join', { sessionId })).toMatchObject({ ok: true });
      client.close();
      await sleep(3_000); // twice the rejoin grace
      expect((await sessionOf(gateway, token, sessionId)).session.status).toBe('active');
      other.close();
      const deadline = Date.now() + 15_000;
      while ((await sessionOf(gateway, token, sessionId)).session.status === 'active' && Date.now() < deadline) await sleep(250);
      expect((await sessionOf(gateway, token, sessionId)).session).toMatchObject({ status: 'ended', terminationReason: 'client_disconnected' });
    } finally {
      client.close();
      other.close();
    }
  });

  it('holds the lease while the conversation runs; a replica that loses it stops there and the conversation goes on', async () => {
    const { token, sessionId, client } = await opened(gateway, 'rt-lease');
    const redis = new IORedis(testInfra().redisUrl);
    const lease = `${platform.namespace}:rt:lease:${sessionId}`;
    try {
      let holder: 1 | 2 | null = null;
      for (const deadline = Date.now() + 3_000; !holder && Date.now() < deadline; await sleep(100)) holder = owner(sessionId);
      const holderLog = () => readFileSync(join(LOG_DIR, `${platform.namespace}-session${holder === 1 ? '' : '-2'}.log`), 'utf8');
      const replicaId = await redis.get(lease);
      expect(replicaId).toBeTruthy();
      await sleep(4_500); // longer than the 3.5 s lease: it was renewed
      expect(await redis.get(lease)).toBe(replicaId);
      expect(await redis.pttl(lease)).toBeGreaterThan(1_000);

      // The lease went to another replica (as when this one stalls past it): the holder stops the conversation.
      const mark = client.mark;
      await redis.set(lease, 'another-replica', 'PX', 2_000);
      const lost = new RegExp(`${sessionId}.*lease lost|lease lost.*${sessionId}`);
      for (const deadline = Date.now() + 3_000; !lost.test(holderLog()) && Date.now() < deadline; ) await sleep(100);
      expect(holderLog()).toMatch(lost);
      // That lease expires without being renewed: a replica takes the conversation over and it goes on.
      await client.next('engine', () => true, 10_000, mark);
      await client.speak(sessionId, joinPcm(question, silencePcm(900)));
      const ai = await client.next('turn_stored', (e) => e.turn.speaker === 'ai', 20_000, mark);
      expect(ai.payload.turn.sequence).toBe(2);
      const state = await sessionOf(gateway, token, sessionId);
      expect(state.turns.map((t: { sequence: number; speaker: string }) => `${t.sequence}:${t.speaker}`)).toEqual(['0:ai', '1:trainee', '2:ai']);
    } finally {
      client.close();
      redis.disconnect();
    }
  });

  it('SIGKILL of the owner: the other replica takes the conversation over within seconds and it goes on from the stored turns', async () => {
    const { token, sessionId, client } = await opened(gateway, 'rt-failover');
    try {
      let killed: 1 | 2 | null = null;
      for (const deadline = Date.now() + 3_000; !killed && Date.now() < deadline; await sleep(100)) killed = owner(sessionId);
      expect(killed).not.toBeNull();
      const survivor = killed === 1 ? 2 : 1;
      const mark = client.mark;
      const killedAt = performance.now();
      await platform.stopService('session', 'SIGKILL', killed!);

      // The survivor continues the conversation (resumed: no second opening) and says so with `engine`.
      const engine = await client.next('engine', () => true, 10_000, mark);
      expect(engine.at - killedAt).toBeLessThan(6_000);
      const survivorLog = readFileSync(join(LOG_DIR, `${platform.namespace}-session${survivor === 1 ? '' : '-2'}.log`), 'utf8');
      expect(survivorLog).toMatch(new RegExp(`${sessionId}.*taking over|taking over.*${sessionId}`));

      await client.speak(sessionId, joinPcm(question, silencePcm(900)));
      const trainee = await client.next('turn_stored', (e) => e.turn.speaker === 'trainee', 20_000, mark);
      const ai = await client.next('turn_stored', (e) => e.turn.speaker === 'ai', 20_000, mark);
      expect(trainee.payload.turn.sequence).toBe(1);
      expect(ai.payload.turn.sequence).toBe(2);
      expect(ai.payload.turn.text).toBeTruthy();
      expect(statesSince(client, mark)).toEqual(['IDLE>LISTENING', 'LISTENING>SPECULATIVE', 'SPECULATIVE>COMMITTED', 'COMMITTED>SPEAKING', 'SPEAKING>IDLE']);
      const state = await sessionOf(gateway, token, sessionId);
      expect(state.session.status).toBe('active');
      expect(state.turns.map((t: { sequence: number; speaker: string }) => `${t.sequence}:${t.speaker}`)).toEqual(['0:ai', '1:trainee', '2:ai']);
    } finally {
      client.close();
    }
  });
});

describe('realtime: the model path over the OpenAI wire format', () => {
  const REPLY = 'Hello, this is Sam from billing. How can I help you today?';
  let fake: FakeOpenAi;
  let platform: TestPlatform;
  let gateway: string;
  let question: Int16Array;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    fake.setBehaviour('chat', { reply: (r) => (r.body.response_format ? FAKE_JUDGE_REPLY : REPLY), chunkDelayMs: 5 });
    platform = await TestPlatform.start({
      services: ['gateway', 'session', 'turn-pipeline'],
      serviceEnv: {
        'turn-pipeline': {
          LLM_BASE_URL: fake.url,
          LLM_API_KEY: 'test',
          LLM_MODEL: 'fake-model',
          // The stall below must outlast it; a busy CI machine must not (its opening once paused 1.5 s).
          LLM_TIMEOUT_MS: '4000',
          LLM_RETRIES: '0',
          TTS_PROVIDER: 'openai',
          TTS_BASE_URL: fake.url,
          TTS_API_KEY: 'test',
        },
      },
    });
    gateway = platform.url('gateway');
    question = trimSilence(await speechPcm('I was charged twice for my order'));
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await fake?.close();
  });

  it('streams the model reply and its speech; a stalled stream ends the session provider_error with every turn kept', async () => {
    const { token, sessionId, client } = await opened(gateway, 'rt-model');
    try {
      // The opening: streamed chat deltas, spoken through /audio/speech, sent as PCM chunks.
      const opening = client.events.find((e) => e.name === 'turn_stored')!.payload.turn;
      expect(opening.text).toBe(REPLY);
      const openingText = client.all('ai_text').filter((t) => t.turnId === opening.id);
      expect(openingText.length).toBeGreaterThan(3);
      expect(openingText.map((t) => t.delta).join('').trim()).toBe(REPLY);
      const chunks = client.all('ai_audio_chunk').filter((c) => c.turnId === opening.id);
      expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
      expect(chunks.at(-1).final).toBe(true);
      expect(client.audioMs(opening.id)).toBeGreaterThan(1000);
      expect(fake.requestsTo('speech').map((r) => r.body.input).join(' ')).toBe(REPLY);
      expect(fake.requestsTo('chat').filter((r) => r.body.stream)[0].body.stream).toBe(true);

      // The next reply stalls after two words: the no-progress timeout (4 s) fails it and the session ends.
      fake.enqueue('chat', { reply: REPLY, stallAfterChunks: 3 });
      const mark = client.mark;
      await client.speak(sessionId, joinPcm(question, silencePcm(600)));
      const termination = await client.next('termination', () => true, 15_000, mark);
      expect(JSON.stringify(termination.payload)).toContain('provider_error');
      let state = await sessionOf(gateway, token, sessionId);
      for (const deadline = Date.now() + 5_000; ['active', 'ending'].includes(state.session.status) && Date.now() < deadline; await sleep(100)) {
        state = await sessionOf(gateway, token, sessionId);
      }
      expect(state.session).toMatchObject({ status: 'failed', terminationReason: 'provider_error' });
      expect(state.turns.map((t: { sequence: number; speaker: string }) => `${t.sequence}:${t.speaker}`)).toEqual(['0:ai', '1:trainee']);
      expect(state.turns[1].text).toMatch(/charged|twice|order/);
      // Whatever reached the trainee of the failed reply was never voiced: no audio of it.
      const failedTurn = client.events.slice(mark).find((e) => e.name === 'state_change' && e.payload.to === 'COMMITTED')?.payload.turnId;
      expect(client.all('ai_audio_chunk').some((c) => c.turnId === failedTurn)).toBe(false);
    } finally {
      client.close();
    }
  });
});
