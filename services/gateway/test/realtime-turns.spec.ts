import { FAKE_JUDGE_REPLY, TestPlatform, api, devToken, sleep, startFakeOpenAi, type FakeOpenAi, type FakeRequest } from '@parley/testing';
import { Client } from 'pg';
import {
  RealtimeClient,
  joinPcm,
  playAll,
  realtimeSession,
  silencePcm,
  speechPcm,
  statesSince,
  trimSilence,
} from './realtime-client';
import { scenarioWithEndCriteria } from './practice-client';

/**
 * Realtime turn-taking end to end (SPEC §7.2/§7.3): real services, scripted Flite speech sent at real-time pace, the
 * model played by the OpenAI-wire-format fake server (so its stream can be slowed and its aborts observed), Flite
 * synthesis. One platform for the whole file; each test has its own trainee and session.
 */

const SHORT_REPLY = 'I can help with that. What is the email on the account?';
/** About twenty words: at 150 ms a token the model is still writing a second after it starts. */
const SLOW_REPLY =
  'Thank you for waiting while I look into this for you today, I can see the two charges on your card from last week.';
/** Several sentences: seconds of audio, so the trainee can cut in while the AI speaks. */
const LONG_REPLY =
  'Let me explain what happened with your order. The first charge was an authorisation that our bank placed. ' +
  'The second charge is the real payment for the order. The authorisation will disappear within five working days. ' +
  'If it does not, please call us back and we will refund it straight away.';

const jsonMode = (request: FakeRequest) => ['json_object', 'json_schema'].includes(request.body.response_format?.type);
const streamed = (fake: FakeOpenAi, after: number) => fake.requestsTo('chat').slice(after).filter((r) => r.body.stream);

describe('realtime turn-taking (cascade, fake model)', () => {
  let fake: FakeOpenAi;
  let platform: TestPlatform;
  let gateway: string;
  let db: Client;
  const speech: Record<'email' | 'charges' | 'wait' | 'stop' | 'thanks', Int16Array> = {} as never;

  /** What the model says from now on, and how fast. The objective check (JSON mode) always gets the judge's answer. */
  function model(reply: string, chunkDelayMs = 5): void {
    fake.setBehaviour('chat', { reply: (request) => (jsonMode(request) ? FAKE_JUDGE_REPLY : reply), chunkDelayMs });
  }

  /** A trainee connected to a fresh realtime session whose opening turn has been played. */
  async function opened(user: string, options: { play?: boolean; settings?: object; scenarioId?: string } = {}) {
    const token = await devToken(gateway, user);
    const sessionId = await realtimeSession(gateway, token, options.scenarioId);
    const client = await RealtimeClient.connect(gateway, token);
    const joined = await client.ask('join', { sessionId });
    if (!joined.ok) throw new Error(`join: ${JSON.stringify(joined)}`);
    if (options.play !== false) playAll(client, sessionId);
    const started = await client.ask('rt_start', { sessionId, ...(options.settings ? { settings: options.settings } : {}) });
    if (!started.ok) throw new Error(`rt_start: ${JSON.stringify(started)}`);
    await client.next('turn_stored', (e) => e.turn.sequence === 0);
    await client.next('state_change', (e) => e.from === 'SPEAKING' && e.to === 'IDLE');
    return { token, sessionId, client, started };
  }

  async function generations(sessionId: string) {
    const { rows } = await db.query(
      'SELECT outcome, cancel_reason AS "cancelReason", tokens, turn_id AS "turnId", ended_at AS "endedAt" FROM generations WHERE session_id = $1 ORDER BY started_at',
      [sessionId],
    );
    return rows as Array<{ outcome: string; cancelReason: string | null; tokens: number; turnId: string | null; endedAt: Date }>;
  }

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    model(SHORT_REPLY);
    platform = await TestPlatform.start({
      services: ['gateway', 'session', 'turn-pipeline'],
      env: { RT_REJOIN_GRACE_MS: '1500' },
      serviceEnv: { 'turn-pipeline': { LLM_BASE_URL: fake.url, LLM_API_KEY: 'test', LLM_MODEL: 'fake-model' } },
    });
    gateway = platform.url('gateway');
    db = new Client({ connectionString: platform.databaseUrl });
    await db.connect();
    const [email, charges, wait, stop, thanks] = await Promise.all([
      speechPcm('Could you please verify the email on your account'),
      speechPcm('I was charged twice for my order'),
      speechPcm('Wait, no'),
      speechPcm('Stop, I have a question about that'),
      speechPcm('Thank you very much'),
    ]);
    Object.assign(speech, {
      email: trimSilence(email),
      charges: trimSilence(charges),
      wait: trimSilence(wait),
      stop: trimSilence(stop),
      thanks: trimSilence(thanks),
    });
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await platform?.stop();
    await fake?.close();
  });

  /**
   * Speech resumes 600 ms after the trainee paused: the debounce (400 ms) has started the model speculatively, the
   * commit (1000 ms more here) has not come, so the generation is cancelled without a word reaching the trainee and
   * the model's stream is really aborted. The margins (200 ms after the debounce, ~600 ms before the commit once the
   * resumed speech is confirmed) absorb a busy machine's late or bunched frames.
   */
  it('cancels a speculative reply silently when speech resumes, aborting the model stream', async () => {
    const { sessionId, client } = await opened('rt-speculative', { settings: { commitMs: 1000 } });
    try {
      model(SLOW_REPLY, 150);
      const chatBefore = fake.requestsTo('chat').length;
      const mark = client.mark;
      await client.speak(sessionId, joinPcm(speech.charges, silencePcm(600), speech.email, silencePcm(1700)));
      const ai = await client.next('turn_stored', (e) => e.turn.speaker === 'ai', 20_000, mark);
      const trainee = await client.next('turn_stored', (e) => e.turn.speaker === 'trainee', 1_000, mark);

      const states = statesSince(client, mark);
      expect(states.slice(0, 3)).toEqual(['IDLE>LISTENING', 'LISTENING>SPECULATIVE', 'SPECULATIVE>LISTENING']);
      expect(states.slice(3)).toEqual(['LISTENING>SPECULATIVE', 'SPECULATIVE>COMMITTED', 'COMMITTED>SPEAKING', 'SPEAKING>IDLE']);
      const cancelAt = client.events.findIndex((e, i) => i >= mark && e.name === 'state_change' && e.payload.from === 'SPECULATIVE' && e.payload.to === 'LISTENING');
      expect(client.events[cancelAt].payload.reason).toBe('speculative_cancel');
      // Nothing of the cancelled generation reached the trainee: no output before the cancel, and all output after
      // it belongs to the AI turn that was stored.
      const output = client.events.slice(mark).filter((e) => e.name === 'ai_text' || e.name === 'ai_audio_chunk');
      expect(output.length).toBeGreaterThan(0);
      expect(client.events.slice(mark, cancelAt).some((e) => e.name === 'ai_text' || e.name === 'ai_audio_chunk')).toBe(false);
      expect(new Set(output.map((e) => e.payload.turnId))).toEqual(new Set([ai.payload.turn.id]));
      expect(client.all('ai_text').filter((t) => t.turnId === ai.payload.turn.id).map((t) => t.delta).join('').trim()).toBe(ai.payload.turn.text);

      // The utterance is the speech before and after the pause.
      expect(trainee.payload.turn.text).toMatch(/charged|twice|order/);
      expect(trainee.payload.turn.text).toMatch(/email|account|verify/);

      // The provider request of the speculation was aborted; the second ran to its end.
      const requests = streamed(fake, chatBefore);
      expect(requests).toHaveLength(2);
      expect(requests[0].abortedAt).toBeDefined();
      expect(requests[0].abortedAt! - requests[0].receivedAt).toBeLessThan(SLOW_REPLY.split(' ').length * 150);
      expect(requests[1].abortedAt).toBeUndefined();

      // Stored: the cancelled generation with the AI turn that followed it.
      const stored = await generations(sessionId);
      const canceled = stored.filter((g) => g.outcome === 'speculative_canceled');
      expect(canceled).toHaveLength(1);
      expect(canceled[0]).toMatchObject({ cancelReason: 'speech', turnId: ai.payload.turn.id });
      expect(stored.filter((g) => g.turnId === ai.payload.turn.id).map((g) => g.outcome)).toEqual(['speculative_canceled', 'completed']);
      const stats = await api(gateway, 'GET', `/api/sessions/${sessionId}/latency-stats`, { token: await devToken(gateway, 'rt-speculative') });
      expect(stats.body).toMatchObject({ cancellations: 1, tokensWasted: canceled[0].tokens });
      expect(stats.body.cancellationRate).toBeCloseTo(1 / stored.length);
    } finally {
      client.close();
    }
  });

  /**
   * "Wait, no" during SPECULATIVE cancels and becomes part of the utterance. Pocketsphinx's first partial comes after
   * about 240 ms of voice, past the 200 ms that cancels by itself, so end to end the cancel is recorded as speech; the
   * marker's own path (speech too short to cancel by length) is covered by conversation.spec.ts.
   */
  it('cancels on a correction during SPECULATIVE and keeps the correction in the utterance', async () => {
    const { sessionId, client } = await opened('rt-correction');
    try {
      model(SLOW_REPLY, 150);
      const chatBefore = fake.requestsTo('chat').length;
      const mark = client.mark;
      await client.speak(sessionId, joinPcm(speech.charges, silencePcm(500), speech.wait, silencePcm(1200)));
      const trainee = await client.next('turn_stored', (e) => e.turn.speaker === 'trainee', 20_000, mark);
      await client.next('turn_stored', (e) => e.turn.speaker === 'ai', 20_000, mark);
      const states = statesSince(client, mark);
      expect(states.slice(0, 3)).toEqual(['IDLE>LISTENING', 'LISTENING>SPECULATIVE', 'SPECULATIVE>LISTENING']);
      const cancel = client.events.slice(mark).find((e) => e.name === 'state_change' && e.payload.from === 'SPECULATIVE' && e.payload.to === 'LISTENING');
      expect(['speculative_cancel', 'correction']).toContain(cancel!.payload.reason);
      expect(trainee.payload.turn.text).toMatch(/\b(wait|no)\b/);
      expect(streamed(fake, chatBefore)[0].abortedAt).toBeDefined();
      expect((await generations(sessionId)).map((g) => g.outcome)).toContain('speculative_canceled');
    } finally {
      client.close();
    }
  });

  /**
   * Barge-in while the AI speaks: `interrupted` goes out at once, the client stops and reports what it played, and
   * the stored AI turn keeps exactly that. Then `bargeIn: false` (applied live) lets the AI finish whatever is said.
   */
  it('barge-in interrupts the AI and stores what was heard; with bargeIn off the AI is never interrupted', async () => {
    const { token, sessionId, client } = await opened('rt-barge-in');
    try {
      model(LONG_REPLY);
      client.playAllPaused = true;
      let mark = client.mark;
      await client.speak(sessionId, joinPcm(speech.charges, silencePcm(700)));
      const speaking = await client.next('state_change', (e) => e.to === 'SPEAKING', 15_000, mark);
      const aiTurnId: string = speaking.payload.turnId;
      await sleep(1500);
      const bargeAt = performance.now();
      await client.speak(sessionId, joinPcm(speech.stop, silencePcm(200)), { stopWhen: () => client.all('interrupted').length > 0 });
      const interrupted = await client.next('interrupted', () => true, 5_000, mark);
      expect(interrupted.payload.turnId).toBe(aiTurnId);
      // Server reaction is measured in the benchmark; here: well under a second from the first voiced frame sent.
      expect(interrupted.at - bargeAt).toBeLessThan(1000);
      // The client stops at once and reports what it played (less than it received: a jitter buffer).
      const received = client.audioMs(aiTurnId);
      const playedMs = Math.round(Math.min(received, performance.now() - speaking.at) * 0.8);
      client.send('playback', { sessionId, turnId: aiTurnId, playedMs });
      client.playAllPaused = false;
      model(SHORT_REPLY);
      expect(client.events.slice(client.events.indexOf(interrupted as never) + 1).some((e) => e.name === 'ai_audio_chunk' && e.payload.turnId === aiTurnId)).toBe(false);
      // The barge-in utterance goes on as speech and gets its own reply.
      await client.speak(sessionId, joinPcm(speech.thanks, silencePcm(900)));
      const stored = await client.next('turn_stored', (e) => e.turn.id === aiTurnId, 5_000, mark);
      const cut = stored.payload.turn;
      expect(cut).toMatchObject({ speaker: 'ai', interrupted: true, heardMs: playedMs });
      expect(cut.text.length).toBeGreaterThan(0);
      expect(LONG_REPLY.startsWith(cut.text)).toBe(true);
      expect(cut.text.length).toBeLessThan(LONG_REPLY.length);
      const next = await client.next('turn_stored', (e) => e.turn.speaker === 'ai' && e.turn.sequence > cut.sequence, 20_000, mark);
      expect(next.payload.turn.interrupted).toBe(false);
      const states = statesSince(client, mark);
      expect(states).toContain('SPEAKING>LISTENING');
      const detail = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
      expect(detail.body.turns.find((t: { id: string }) => t.id === aiTurnId)).toMatchObject({ interrupted: true, heardMs: playedMs, text: cut.text });

      // bargeIn off, live: the ack carries the new settings and the next AI turn is spoken to its end.
      // (the turn is stored once the AI is back in IDLE)
      const updated = await client.ask('update_settings', { sessionId, settings: { bargeIn: false } });
      expect(updated).toMatchObject({ ok: true, settings: { bargeIn: false } });
      model(LONG_REPLY);
      client.playAllPaused = true;
      mark = client.mark;
      await client.speak(sessionId, joinPcm(speech.charges, silencePcm(700)));
      const speaking2 = await client.next('state_change', (e) => e.to === 'SPEAKING', 15_000, mark);
      await sleep(300);
      await client.speak(sessionId, joinPcm(speech.stop, silencePcm(300)));
      const turnId2: string = speaking2.payload.turnId;
      await client.next('ai_audio_chunk', (c) => c.turnId === turnId2 && c.final, 15_000, mark);
      client.send('playback', { sessionId, turnId: turnId2, playedMs: Math.round(client.audioMs(turnId2)) });
      const whole = await client.next('turn_stored', (e) => e.turn.id === turnId2, 15_000, mark);
      expect(whole.payload.turn).toMatchObject({ interrupted: false, heardMs: null, text: LONG_REPLY });
      expect(client.events.slice(mark).some((e) => e.name === 'interrupted')).toBe(false);
      expect(statesSince(client, mark)).not.toContain('SPEAKING>LISTENING');
      client.playAllPaused = false;
    } finally {
      client.close();
    }
  });

  /** A disconnect stops everything within a second; the session ends `client_disconnected` after the grace (1.5 s here). */
  it('a disconnect aborts the generation in flight and stores nothing more; the session ends client_disconnected', async () => {
    const { token, sessionId, client } = await opened('rt-disconnect');
    model(SLOW_REPLY, 200);
    const chatBefore = fake.requestsTo('chat').length;
    const mark = client.mark;
    await client.speak(sessionId, joinPcm(speech.charges, silencePcm(700)));
    await client.next('state_change', (e) => e.to === 'COMMITTED', 5_000, mark);
    const closedAt = Date.now();
    client.close();
    await sleep(1000);
    const [request] = streamed(fake, chatBefore);
    expect(request.abortedAt).toBeDefined();
    expect(request.abortedAt! - closedAt).toBeLessThan(1000);
    const count = async () =>
      (await db.query('SELECT (SELECT count(*) FROM turns WHERE session_id = $1)::int AS turns, (SELECT count(*) FROM generations WHERE session_id = $1)::int AS generations', [sessionId])).rows[0];
    const afterOneSecond = await count();
    expect(afterOneSecond.turns).toBe(2); // the opening and the committed utterance
    const chatAfterOneSecond = fake.requestsTo('chat').length;

    let detail: { body: any } = { body: {} };
    for (const deadline = Date.now() + 6_000; Date.now() < deadline; await sleep(100)) {
      detail = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
      if (detail.body.session.status !== 'active') break;
    }
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(1500);
    expect(detail.body.session).toMatchObject({ status: 'ended', terminationReason: 'client_disconnected' });
    expect(detail.body.turns.map((t: { speaker: string }) => t.speaker)).toEqual(['ai', 'trainee']);
    expect(await count()).toEqual(afterOneSecond);
    expect(fake.requestsTo('chat')).toHaveLength(chatAfterOneSecond);
  });

  it('ends the session max_turns once the AI has answered the last trainee turn the scenario allows', async () => {
    const author = await devToken(gateway, 'rt-author', ['author']);
    const base = (await api(gateway, 'GET', '/api/scenarios/support-double-charge', { token: author })).body;
    const scenarioId = await scenarioWithEndCriteria(gateway, author, base, { maxTurns: 1 });

    model(SHORT_REPLY);
    const { token, sessionId, client } = await opened('rt-max-turns', { scenarioId });
    try {
      const mark = client.mark;
      await client.speak(sessionId, joinPcm(speech.charges, silencePcm(1500)));
      await client.next('turn_stored', (e) => e.turn.speaker === 'ai', 20_000, mark);
      let detail: { body: any } = { body: {} };
      for (const deadline = Date.now() + 5_000; Date.now() < deadline; await sleep(100)) {
        detail = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
        if (detail.body.session.status !== 'active') break;
      }
      expect(detail.body.session).toMatchObject({ status: 'ended', terminationReason: 'max_turns' });
      expect(detail.body.turns.map((t: { speaker: string }) => t.speaker)).toEqual(['ai', 'trainee', 'ai']);
    } finally {
      client.close();
    }
  });

  /**
   * One session through bad input, a live settings change and latency accounting: every malformed or misdirected
   * frame gets a coded `error` (each on its own socket: errors are limited to one a second per socket), the
   * conversation and its records are untouched, `update_settings` moves the debounce at once, and latency-stats
   * add up to the `latency` events the client got.
   */
  it('bad frames get coded errors, settings apply live, latency-stats add up', async () => {
    const { token, sessionId, client, started } = await opened('rt-frames');
    try {
      expect(started.settings).toMatchObject({ debounceMs: 400, commitMs: 200, adaptive: true, bargeIn: true });
      model(SHORT_REPLY);
      const speechEnd = (from: number) => client.events.slice(from).find((e) => e.name === 'speech' && !e.payload.speaking)!.payload.at;
      const speculativeAt = (from: number) =>
        client.events.slice(from).find((e) => e.name === 'state_change' && e.payload.to === 'SPECULATIVE')!.payload.at;

      let mark = client.mark;
      await client.speak(sessionId, joinPcm(speech.email, silencePcm(900)));
      await client.next('turn_stored', (e) => e.turn.speaker === 'ai', 20_000, mark);
      const debounced = Date.parse(speculativeAt(mark)) - Date.parse(speechEnd(mark));
      expect(debounced).toBeGreaterThanOrEqual(400 - 5); // timers may fire a millisecond early by the wall clock
      expect(debounced).toBeLessThan(800);
      const before = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });

      // Bad frames, each on a socket of its own.
      const silence20 = Buffer.from(silencePcm(20).buffer);
      const errorOf = async (user: string, join: string | null, send: (c: RealtimeClient) => void) => {
        const c = await RealtimeClient.connect(gateway, user === 'self' ? token : await devToken(gateway, user));
        try {
          if (join) await c.ask('join', { sessionId: join });
          send(c);
          return (await c.next('error', () => true, 3_000)).payload;
        } finally {
          c.close();
        }
      };
      const frame = (pcm: unknown, seq = 1_000_000) => (c: RealtimeClient) => c.send('audio_frame', { sessionId, seq, pcm });
      const turnSession = await realtimeSession(gateway, await devToken(gateway, 'rt-turn-mode'), undefined, 'turn');
      const errors = await Promise.all([
        errorOf('self', sessionId, frame(Buffer.alloc(100))), // 3 ms: too short
        errorOf('self', sessionId, frame(Buffer.alloc(641))), // half a sample
        errorOf('self', sessionId, frame(Buffer.alloc(4_000))), // 125 ms: too long
        errorOf('self', sessionId, frame('AAAA')), // not binary
        errorOf('self', sessionId, frame([0, 1, 2, 3])), // not binary
        errorOf('self', sessionId, frame(silence20, -1)), // bad seq
        errorOf('self', sessionId, (c) => {
          for (let i = 0; i < 150; i++) c.send('audio_frame', { sessionId, seq: i, pcm: silence20 });
        }), // too frequent
        errorOf('self', null, frame(silence20)), // before join
        errorOf('rt-intruder', null, frame(silence20)), // another user's session
        errorOf('rt-turn-mode', turnSession, (c) => c.send('audio_frame', { sessionId: turnSession, seq: 0, pcm: silence20 })), // not realtime
      ]);
      expect(errors.map((e) => e.code)).toEqual([
        'validation_failed',
        'validation_failed',
        'validation_failed',
        'validation_failed',
        'validation_failed',
        'validation_failed',
        'rate_limited',
        'conflict',
        'not_found',
        'conflict',
      ]);
      for (const error of errors) expect(error.message).toEqual(expect.any(String));
      // Someone else cannot join it, and a turn-mode session cannot start a conversation.
      const intruder = await RealtimeClient.connect(gateway, await devToken(gateway, 'rt-intruder'));
      expect((await intruder.ask('join', { sessionId })).error.code).toBe('not_found');
      intruder.close();
      const turnMode = await RealtimeClient.connect(gateway, await devToken(gateway, 'rt-turn-mode'));
      await turnMode.ask('join', { sessionId: turnSession });
      expect((await turnMode.ask('rt_start', { sessionId: turnSession })).error.code).toBe('conflict');
      turnMode.close();

      // Nothing broke: same records, the services answer, the conversation goes on.
      const unsigned = (turns: Array<{ audioUrl: string | null }>) => turns.map((t) => ({ ...t, audioUrl: t.audioUrl?.split('?')[0] }));
      expect(unsigned((await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token })).body.turns)).toEqual(unsigned(before.body.turns));
      expect((await fetch(`${gateway}/ready`)).status).toBe(200);
      expect(platform.isRunning('session') && platform.isRunning('gateway')).toBe(true);

      // update_settings applies at once: the ack has the new settings, the next turn waits the new debounce.
      const updated = await client.ask('update_settings', { sessionId, settings: { debounceMs: 800, adaptive: false } });
      expect(updated).toMatchObject({ ok: true, settings: { debounceMs: 800, commitMs: 200, adaptive: false, bargeIn: true } });
      expect((await client.ask('update_settings', { sessionId, settings: { debounceMs: 100 } })).error.code).toBe('validation_failed');
      mark = client.mark;
      await client.speak(sessionId, joinPcm(speech.charges, silencePcm(1_300)));
      const ai = await client.next('turn_stored', (e) => e.turn.speaker === 'ai', 20_000, mark);
      expect(ai.payload.turn.sequence).toBe(4);
      expect(Date.parse(speculativeAt(mark)) - Date.parse(speechEnd(mark))).toBeGreaterThanOrEqual(800 - 5);

      // latency-stats over the three AI turns add up to the latency events.
      await sleep(200);
      const stats = (await api(gateway, 'GET', `/api/sessions/${sessionId}/latency-stats`, { token })).body;
      const events = client.all('latency');
      expect(events).toHaveLength(3);
      for (const metric of ['transcriptMs', 'llmFirstTokenMs', 'ttsFirstByteMs', 'speechEndToFirstAudioMs'] as const) {
        const values = events.map((e) => e[metric]).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
        const sum = values.reduce((a, b) => a + b, 0);
        expect({ metric, ...stats[metric] }).toEqual({
          metric,
          n: values.length,
          avg: values.length ? Math.round((sum / values.length) * 10) / 10 : null,
          min: values[0] ?? null,
          max: values.at(-1) ?? null,
          p95: values.length ? values[Math.ceil(0.95 * values.length) - 1] : null,
        });
      }
      expect(stats.speechEndToFirstAudioMs.n).toBe(2); // the opening answers no speech
      expect(stats.llmFirstTokenMs.n).toBe(3);
      expect(stats).toMatchObject({ generations: 3, cancellations: 0, cancellationRate: 0, tokensWasted: 0, interruptions: 0 });
    } finally {
      client.close();
    }
  });
});
