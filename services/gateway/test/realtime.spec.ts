import type { ScenarioView } from '@parley/contracts';
import { TestPlatform, api, devToken, sleep } from '@parley/testing';
import { scenarioWithEndCriteria } from './practice-client';
import { RealtimeClient, silencePcm, speechPcm } from './realtime-client';

const SCENARIO = 'support-double-charge';

async function realtimeSession(gateway: string, token: string, scenarioId = SCENARIO): Promise<string> {
  const created = await api(gateway, 'POST', '/api/sessions', {
    token,
    body: { scenarioId, mode: 'realtime', clientSessionStartedAt: new Date().toISOString() },
  });
  if (created.status !== 201) throw new Error(`session: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.session.id;
}

/** Plays every AI turn to its end at once (what a client reports when playback finishes). */
function playAll(client: RealtimeClient, sessionId: string): void {
  client.socket.on('ai_audio_chunk' as never, ((chunk: { turnId: string; final: boolean }) => {
    if (!chunk.final) return;
    const played = client.all('ai_audio_chunk').filter((c) => c.turnId === chunk.turnId);
    const ms = played.reduce((sum, c) => sum + (c.pcm.byteLength / 2 / c.sampleRate) * 1000, 0);
    client.send('playback', { sessionId, turnId: chunk.turnId, playedMs: Math.round(ms) });
  }) as never);
}

describe('realtime voice (cascade, offline providers)', () => {
  let platform: TestPlatform;
  let gateway: string;
  let token: string;
  let verifyEmail: Int16Array;

  beforeAll(async () => {
    platform = await TestPlatform.start({ services: ['gateway', 'session', 'turn-pipeline'], env: { RT_REJOIN_GRACE_MS: '1500' } });
    gateway = platform.url('gateway');
    token = await devToken(gateway, 'rt-trainee');
    verifyEmail = await speechPcm('Could you please verify the email on your account for me');
  }, 120_000);

  afterAll(() => platform?.stop());

  it('opens, then takes a clean turn IDLE→LISTENING→SPECULATIVE→COMMITTED→SPEAKING→IDLE with transcript, text, audio and records', async () => {
    const sessionId = await realtimeSession(gateway, token);
    const client = await RealtimeClient.connect(gateway, token);
    try {
      await client.ask('join', { sessionId });
      playAll(client, sessionId);
      const started = await client.ask('rt_start', { sessionId });
      expect(started).toMatchObject({ ok: true, engine: 'cascade' });
      await client.next('engine', (e) => e.engine === 'cascade');
      const opening = await client.next('turn_stored', (e) => e.turn.sequence === 0);
      expect(opening.payload.turn).toMatchObject({ speaker: 'ai' });
      expect(client.all('ai_audio_chunk').some((c) => c.final)).toBe(true);
      await client.next('state_change', (e) => e.to === 'IDLE' && e.from === 'SPEAKING');

      const mark = client.events.length;
      const speechEnd = await client.speak(sessionId, Int16Array.from([...verifyEmail, ...silencePcm(1500)]));
      const trainee = await client.next('turn_stored', (e) => e.turn.speaker === 'trainee', 20_000, mark);
      expect(trainee.payload.turn.text).toMatch(/email|account|verify/);
      const ai = await client.next('turn_stored', (e) => e.turn.speaker === 'ai', 20_000, mark);
      expect(ai.payload.turn.text).toBeTruthy();
      const states = client.events.slice(mark).filter((e) => e.name === 'state_change').map((e) => `${e.payload.from}>${e.payload.to}`);
      expect(states).toEqual(['IDLE>LISTENING', 'LISTENING>SPECULATIVE', 'SPECULATIVE>COMMITTED', 'COMMITTED>SPEAKING', 'SPEAKING>IDLE']);
      expect(client.events.slice(mark).some((e) => e.name === 'rt_transcript' && e.payload.final)).toBe(true);
      const texts = client.events.slice(mark).filter((e) => e.name === 'ai_text').map((e) => e.payload.delta).join('');
      expect(texts.trim()).toBe(ai.payload.turn.text);
      const latency = await client.next('latency', () => true, 5_000, mark);
      expect(latency.payload.speechEndToFirstAudioMs).toBeGreaterThan(0);
      void speechEnd;

      const stats = await api(gateway, 'GET', `/api/sessions/${sessionId}/latency-stats`, { token });
      expect(stats.status).toBe(200);
      expect(stats.body.speechEndToFirstAudioMs.n).toBeGreaterThanOrEqual(1);
      const detail = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
      expect(detail.body.turns.map((t: { speaker: string }) => t.speaker)).toEqual(['ai', 'trainee', 'ai']);
      expect(detail.body.turns.every((t: { audioUrl: string | null }) => t.audioUrl)).toBe(true);
      // Each turn reached the room once, as `turn_stored`: not again as a turn-mode `ai_turn`.
      expect(client.all('ai_turn')).toEqual([]);
    } finally {
      client.close();
    }
  });

  /**
   * Idle time (SPEC §7.2) counts from the end of the last speech of either side, and never while someone speaks: with
   * a 5 s timeout, the AI's opening (longer than that) and a later exchange keep the session open past the timers
   * armed before them, which follow the moving deadline; once both sides are silent for 5 s it ends idle_timeout.
   */
  it('ends idle_timeout 5 s after the last speech of either side, never during speech', async () => {
    const author = await devToken(gateway, 'rt-author', ['author']);
    const base = (await api<ScenarioView>(gateway, 'GET', `/api/scenarios/${SCENARIO}`, { token: author })).body;
    const quick = await scenarioWithEndCriteria(gateway, author, base, { idleTimeoutSec: 5, maxDurationSec: 300 });
    const sessionId = await realtimeSession(gateway, token, quick);
    const createdAt = performance.now();
    const client = await RealtimeClient.connect(gateway, token);
    try {
      await client.ask('join', { sessionId });
      playAll(client, sessionId);
      await client.ask('rt_start', { sessionId });
      const opening = await client.next('turn_stored', (e) => e.turn.sequence === 0, 30_000);
      expect(client.audioMs(opening.payload.turn.id)).toBeGreaterThan(5000);
      await client.next('state_change', (e) => e.from === 'SPEAKING' && e.to === 'IDLE', 10_000);

      await sleep(2000);
      const mark = client.mark;
      await client.speak(sessionId, Int16Array.from([...verifyEmail, ...silencePcm(1000)]));
      await client.next('turn_stored', (e) => e.turn.speaker === 'ai', 20_000, mark);
      const lastSpeechEnd = await client.next('state_change', (e) => e.from === 'SPEAKING' && e.to === 'IDLE', 15_000, mark);
      expect(client.events.some((e) => e.name === 'termination')).toBe(false);

      const termination = await client.next('termination', () => true, 15_000, mark);
      expect(termination.payload.reason).toBe('idle_timeout');
      // Well past the deadline armed when the session was created, and 5 s after the last speech.
      expect(termination.at - createdAt).toBeGreaterThan(15_000);
      expect(termination.at - lastSpeechEnd.at).toBeGreaterThan(4_500);
      const state = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
      expect(state.body.session.status).not.toBe('active');
      const lateBy = Date.now() - (performance.now() - termination.at) - Date.parse(state.body.session.deadlines.idleAt);
      expect(lateBy).toBeGreaterThanOrEqual(-50);
      expect(lateBy).toBeLessThan(2000);
    } finally {
      client.close();
    }
  }, 90_000);
});
