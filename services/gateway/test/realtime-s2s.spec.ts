import { FAKE_JUDGE_REPLY, TestPlatform, api, devToken, sleep, startFakeOpenAi, startFakeRealtime, type FakeOpenAi, type FakeRealtime, type FakeRequest } from '@parley/testing';
import { Client } from 'pg';
import { expectPlayableAudio } from './practice-client';
import { RealtimeClient, joinPcm, playAll, realtimeSession, silencePcm, speechPcm, statesSince, trimSilence } from './realtime-client';

/**
 * The speech-to-speech engine end to end (SPEC §7.4, issue 11): real services, the provider played by a local server
 * speaking the OpenAI Realtime wire protocol, the cascade's model by the OpenAI-wire-format fake. One platform for
 * the file; each test has its own trainee and session.
 */

const S2S_OPENING = 'Hello, this is Sam from billing speaking on the realtime voice.';
const S2S_REPLY = 'I am sorry about that. Let me check the charges for you.';
/** Several sentences streamed at real-time pace: the trainee can cut in while the provider still generates. */
const S2S_LONG =
  'Let me explain what happened with your order. The first charge was an authorisation that our bank placed. ' +
  'The second charge is the real payment for the order. The authorisation will disappear within five working days.';
const CASCADE_REPLY = 'This is the cascade answering now.';
const SHORT = 'Sure, I can help with that.';

const jsonMode = (request: FakeRequest) => ['json_object', 'json_schema'].includes(request.body.response_format?.type);

describe('realtime: speech-to-speech engine (fake Realtime server)', () => {
  let rt: FakeRealtime;
  let fake: FakeOpenAi;
  let platform: TestPlatform;
  let gateway: string;
  let db: Client;
  const speech: Record<'charges' | 'email' | 'stop' | 'thanks', Int16Array> = {} as never;

  function model(reply: string, delayHeadersMs = 0): void {
    fake.setBehaviour('chat', { reply: (request) => (jsonMode(request) ? FAKE_JUDGE_REPLY : reply), chunkDelayMs: 5, delayHeadersMs });
  }

  async function opened(user: string, engine: 'speech_to_speech' | 'cascade' = 'speech_to_speech') {
    const token = await devToken(gateway, user);
    const sessionId = await realtimeSession(gateway, token);
    const client = await RealtimeClient.connect(gateway, token);
    expect(await client.ask('join', { sessionId })).toMatchObject({ ok: true });
    playAll(client, sessionId);
    const started = await client.ask('rt_start', { sessionId, engine });
    if (!started.ok) throw new Error(`rt_start: ${JSON.stringify(started)}`);
    const opening = await client.next('turn_stored', (e) => e.turn.sequence === 0);
    await client.next('state_change', (e) => e.from === 'SPEAKING' && e.to === 'IDLE');
    return { token, sessionId, client, started, opening: opening.payload.turn };
  }

  async function engines(sessionId: string): Promise<string[]> {
    const { rows } = await db.query('SELECT engines FROM practice_sessions WHERE id = $1', [sessionId]);
    return rows[0]?.engines ?? [];
  }

  const turnsOf = async (token: string, sessionId: string) =>
    (await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token })).body.turns as Array<Record<string, any>>;

  beforeAll(async () => {
    rt = await startFakeRealtime({ reply: S2S_OPENING });
    fake = await startFakeOpenAi();
    model(CASCADE_REPLY);
    platform = await TestPlatform.start({
      services: ['gateway', 'session', 'turn-pipeline', 'evaluator'],
      serviceEnv: {
        session: { REALTIME_BASE_URL: rt.url, REALTIME_API_KEY: 'rt-key', REALTIME_MODEL: 'fake-realtime', REALTIME_VOICE: 'verse' },
        'turn-pipeline': { LLM_BASE_URL: fake.url, LLM_API_KEY: 'test', LLM_MODEL: 'fake-model' },
      },
    });
    gateway = platform.url('gateway');
    db = new Client({ connectionString: platform.databaseUrl });
    await db.connect();
    const [charges, email, stop, thanks] = await Promise.all([
      speechPcm('I was charged twice for my order'),
      speechPcm('Could you please verify the email on your account'),
      speechPcm('Stop, I have a question about that'),
      speechPcm('Thank you very much'),
    ]);
    Object.assign(speech, { charges: trimSilence(charges), email: trimSilence(email), stop: trimSilence(stop), thanks: trimSilence(thanks) });
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await platform?.stop();
    await rt?.close();
    await fake?.close();
  });

  beforeEach(() => {
    rt.set({ reply: S2S_OPENING, delayMs: 0, paceFactor: 0.5, refuse: null, dropAfterChunks: null });
    model(CASCADE_REPLY);
  });

  it('runs a session on the provider: persona instructions, streamed voice and words, every transition, turns stored and replayable', async () => {
    const { token, sessionId, client, started, opening } = await opened('s2s-e2e');
    try {
      expect(started).toMatchObject({ ok: true, engine: 'speech_to_speech' });
      const engine = client.all('engine');
      expect(engine).toHaveLength(1);
      expect(engine[0]).toEqual({ sessionId, engine: 'speech_to_speech' });
      const connection = rt.connections.at(-1)!;
      expect(connection.path).toContain('model=fake-realtime');
      expect(connection.headers.authorization).toBe('Bearer rt-key');
      expect(connection.session).toMatchObject({ voice: 'verse', turn_detection: null });
      expect(connection.session!.instructions).toMatch(/Stay in character/);

      // The opening: the provider's transcript deltas are the words, its 24 kHz PCM the voice.
      expect(opening).toMatchObject({ speaker: 'ai', text: S2S_OPENING, engine: 'speech_to_speech' });
      expect(client.all('ai_text').map((t) => t.delta).join('')).toBe(S2S_OPENING);
      const chunks = client.all('ai_audio_chunk').filter((c) => c.turnId === opening.id);
      expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
      expect(chunks.every((c) => c.sampleRate === 24_000)).toBe(true);
      expect(client.audioMs(opening.id)).toBeGreaterThan(1500);

      rt.set({ reply: S2S_REPLY });
      const mark = client.mark;
      await client.speak(sessionId, joinPcm(speech.charges, silencePcm(900)));
      const trainee = (await client.next('turn_stored', (e) => e.turn.speaker === 'trainee', 20_000, mark)).payload.turn;
      const ai = (await client.next('turn_stored', (e) => e.turn.speaker === 'ai', 20_000, mark)).payload.turn;
      await client.next('state_change', (e) => e.from === 'SPEAKING' && e.to === 'IDLE', 10_000, mark);
      expect(trainee.text).toMatch(/charged|twice|order/);
      expect(ai).toMatchObject({ sequence: 2, text: S2S_REPLY, engine: 'speech_to_speech', interrupted: false });
      expect(statesSince(client, mark)).toEqual(['IDLE>LISTENING', 'LISTENING>SPECULATIVE', 'SPECULATIVE>COMMITTED', 'COMMITTED>SPEAKING', 'SPEAKING>IDLE']);
      const latency = (await client.next('latency', (e) => e.turnId === ai.id, 5_000, mark)).payload;
      expect(latency.speechEndToFirstAudioMs).toBeGreaterThan(0);
      expect(latency.ttsFirstByteMs).toBeGreaterThanOrEqual(0);

      // The provider's conversation is ours: its opening, the trainee's words (our transcript), its reply.
      expect(connection.items.map((i) => `${i.role}:${i.text}`)).toEqual([`assistant:${S2S_OPENING}`, `user:${trainee.text}`, `assistant:${S2S_REPLY}`]);
      expect(rt.received('response.create')).toHaveLength(2);

      const turns = await turnsOf(token, sessionId);
      expect(turns.map((t) => `${t.sequence}:${t.speaker}:${t.engine ?? '-'}`)).toEqual(['0:ai:speech_to_speech', '1:trainee:-', '2:ai:speech_to_speech']);
      expect(await expectPlayableAudio(turns[2] as never)).toBeGreaterThan(1500);
      expect(await engines(sessionId)).toEqual(['speech_to_speech']);
      const stats = await api(gateway, 'GET', `/api/sessions/${sessionId}/latency-stats`, { token });
      expect(stats.body.speechEndToFirstAudioMs.n).toBe(1);
      expect(stats.body.ttsFirstByteMs.n).toBe(2);

      // Ended, it is evaluated like any practice.
      expect((await api(gateway, 'POST', `/api/sessions/${sessionId}/stop`, { token })).status).toBe(200);
      let evaluation: { status?: string; analytics?: { traineeTurns: number } } = {};
      for (let i = 0; i < 150 && evaluation.status !== 'succeeded'; i++) {
        await new Promise((wake) => setTimeout(wake, 100));
        evaluation = (await api(gateway, 'GET', `/api/sessions/${sessionId}/evaluation`, { token })).body ?? {};
      }
      expect(evaluation).toMatchObject({ status: 'succeeded', analytics: { traineeTurns: 1 } });
    } finally {
      client.close();
    }
  });

  it('a barge-in cancels the response and truncates the provider item to what the trainee heard', async () => {
    const { sessionId, client } = await opened('s2s-barge-in');
    try {
      const connection = rt.connections.at(-1)!;
      rt.set({ reply: S2S_LONG, paceFactor: 1 });
      client.playAllPaused = true;
      const mark = client.mark;
      await client.speak(sessionId, joinPcm(speech.charges, silencePcm(900)));
      const first = await client.next('ai_audio_chunk', () => true, 10_000, mark);
      await sleep(Math.max(0, first.at + 1_200 - performance.now()));
      const cut = client.mark;
      await client.speak(sessionId, joinPcm(speech.stop, silencePcm(200)), { stopWhen: () => client.all('interrupted').length > 0 });
      const interrupted = (await client.next('interrupted', () => true, 5_000, cut)).payload;
      client.send('playback', { sessionId, turnId: interrupted.turnId, playedMs: 1_000 });
      const ai = (await client.next('turn_stored', (e) => e.turn.id === interrupted.turnId, 10_000, cut)).payload.turn;
      expect(ai).toMatchObject({ interrupted: true, heardMs: 1_000, engine: 'speech_to_speech' });
      expect(ai.text.length).toBeLessThan(S2S_LONG.length);

      for (const deadline = Date.now() + 3_000; rt.truncations.length === 0 && Date.now() < deadline; ) await sleep(50);
      const item = connection.items.find((i) => i.role === 'assistant' && i.truncatedAtMs !== undefined)!;
      expect(rt.truncations.filter((t) => t.connection === connection.id)).toEqual([
        expect.objectContaining({ item_id: item.id, content_index: 0, audio_end_ms: 1_000 }),
      ]);
      // The provider was still speaking: its response was cancelled.
      expect(connection.events.some((e) => e.type === 'response.cancel')).toBe(true);
    } finally {
      client.close();
    }
  });

  it('refused at start (HTTP 503): the session runs on the cascade from turn 0 and the client is told why', async () => {
    rt.set({ refuse: 503 });
    const refusals = rt.refusals.length;
    const { sessionId, client, started, opening } = await opened('s2s-refused');
    try {
      expect(started).toMatchObject({ ok: true, engine: 'cascade' });
      const engine = client.all('engine');
      expect(engine).toHaveLength(1);
      expect(engine[0]).toMatchObject({ sessionId, engine: 'cascade', fallbackFrom: 'speech_to_speech' });
      expect(engine[0].reason).toMatch(/503/);
      expect(rt.refusals.length - refusals).toBe(2); // bounded: two attempts
      expect(opening).toMatchObject({ sequence: 0, speaker: 'ai', text: CASCADE_REPLY, engine: 'cascade' });
      expect(await engines(sessionId)).toEqual(['cascade']);
    } finally {
      client.close();
    }
  });

  it('the socket drops mid-reply: that reply ends failed, the client is told, the cascade continues with the history intact', async () => {
    const { token, sessionId, client, opening } = await opened('s2s-drop');
    try {
      rt.set({ reply: S2S_LONG, paceFactor: 1, dropAfterChunks: 5 });
      const mark = client.mark;
      await client.speak(sessionId, joinPcm(speech.charges, silencePcm(900)));
      const engine = (await client.next('engine', () => true, 10_000, mark)).payload;
      expect(engine).toMatchObject({ sessionId, engine: 'cascade', fallbackFrom: 'speech_to_speech' });
      expect(engine.reason).toMatch(/lost/);
      const failed = (await client.next('state_change', (e) => e.reason === 'failed', 10_000, mark)).payload;
      expect(failed).toMatchObject({ from: 'SPEAKING', to: 'LISTENING' });
      await client.next('turn_stored', (e) => e.turn.speaker === 'ai' && e.turn.sequence === 2, 10_000, mark);
      await client.next('state_change', (e) => e.to === 'IDLE', 10_000, mark);

      // The next reply comes from the cascade's model, which gets every turn so far.
      const chats = fake.requestsTo('chat').length;
      const again = client.mark;
      await client.speak(sessionId, joinPcm(speech.email, silencePcm(900)));
      const ai = (await client.next('turn_stored', (e) => e.turn.speaker === 'ai', 20_000, again)).payload.turn;
      expect(ai).toMatchObject({ sequence: 4, text: CASCADE_REPLY, engine: 'cascade' });
      const request = fake.requestsTo('chat').slice(chats).find((r) => r.body.stream)!;
      const said = JSON.stringify(request.body.messages);
      expect(said).toContain(opening.text);
      expect(said).toMatch(/charged|twice|order/);
      expect(said).toMatch(/email|account|verify/);

      const turns = await turnsOf(token, sessionId);
      expect(turns.map((t) => `${t.sequence}:${t.speaker}:${t.engine ?? '-'}`)).toEqual([
        '0:ai:speech_to_speech',
        '1:trainee:-',
        '2:ai:speech_to_speech',
        '3:trainee:-',
        '4:ai:cascade',
      ]);
      expect(turns[2].interrupted).toBe(true);
      expect(await engines(sessionId)).toEqual(['speech_to_speech', 'cascade']);
      const state = (await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token })).body.session;
      expect(state.status).toBe('active');
    } finally {
      client.close();
    }
  });

  it('latency: speech end → first audio with a fixed 100 ms provider delay, speech-to-speech beside the cascade', async () => {
    const ROUNDS = 6;
    type Sample = { speechEndToFirstAudioMs: number; llmFirstTokenMs: number; ttsFirstByteMs: number };
    const measure = async (engine: 'speech_to_speech' | 'cascade'): Promise<Sample[]> => {
      const { sessionId, client } = await opened(`s2s-latency-${engine}`, engine);
      try {
        const values: Sample[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const mark = client.mark;
          await client.speak(sessionId, joinPcm(speech.thanks, silencePcm(800)));
          const ai = (await client.next('turn_stored', (e) => e.turn.speaker === 'ai', 20_000, mark)).payload.turn;
          expect(ai.engine).toBe(engine);
          const latency = (await client.next('latency', (e) => e.turnId === ai.id, 5_000, mark)).payload;
          await client.next('state_change', (e) => e.to === 'IDLE' && e.from === 'SPEAKING', 10_000, mark);
          values.push(latency);
        }
        return values;
      } finally {
        client.close();
      }
    };
    rt.set({ reply: SHORT, delayMs: 100 });
    model(SHORT, 100);
    const s2s = await measure('speech_to_speech');
    const cascade = await measure('cascade');
    const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.ceil(p * values.length) - 1];
    const line = (name: string, samples: Sample[]) => {
      const values = samples.map((s) => s.speechEndToFirstAudioMs);
      const of = (key: keyof Sample) => pct(samples.map((s) => s[key]), 0.5);
      return (
        `${name}: p50 ${pct(values, 0.5)} ms, p99 ${pct(values, 0.99)} ms (n=${values.length}; ${values.join(', ')}); ` +
        `first token p50 ${of('llmFirstTokenMs')} ms, first audio byte p50 ${of('ttsFirstByteMs')} ms`
      );
    };
    console.log(`speech end → first audio, provider delay 100 ms\n  ${line('speech_to_speech', s2s)}\n  ${line('cascade', cascade)}`);
    expect(s2s.every((v) => v.speechEndToFirstAudioMs > 0 && v.speechEndToFirstAudioMs < 3_000)).toBe(true);
    expect(cascade.every((v) => v.speechEndToFirstAudioMs > 0 && v.speechEndToFirstAudioMs < 3_000)).toBe(true);
  }, 120_000);
});
