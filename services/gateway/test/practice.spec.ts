import { MAX_TURN_AUDIO_BYTES, type ScenarioView } from '@parley/contracts';
import { TestPlatform, api, devToken, sleep } from '@parley/testing';
import { PracticeClient, createSession, expectPlayableAudio, scenarioWithEndCriteria, spokenMp3 } from './practice-client';

const SCENARIO = 'support-double-charge';

/**
 * Turn mode end to end (SPEC §4) on the real platform: gateway, session, turn-pipeline and asr processes with the
 * offline providers (branching script, Flite, pocketsphinx), real NATS, Redis, Postgres and S3.
 */
describe('practice session, turn mode', () => {
  let platform: TestPlatform;
  let gateway: string;
  let token: string;
  let author: string;
  let scenario: ScenarioView;

  beforeAll(async () => {
    platform = await TestPlatform.start({
      services: ['gateway', 'session', 'turn-pipeline', 'asr'],
      env: { QUEUE_STALLED_INTERVAL_MS: '2000' },
    });
    gateway = platform.url('gateway');
    token = await devToken(gateway, 'trainee-practice');
    author = await devToken(gateway, 'author-practice', ['author']);
    // Authors see the branching script the offline roleplayer follows; the tests check replies against it.
    scenario = (await api<ScenarioView>(gateway, 'GET', `/api/scenarios/${SCENARIO}`, { token: author })).body;
  }, 120_000);

  afterAll(() => platform?.stop());

  it('runs a whole conversation: opening turn, trainee turns, transcripts, scripted replies, manual stop', async () => {
    const created = await createSession(gateway, token, SCENARIO);
    expect(created.status).toBe(201);
    const sessionId = created.body.session.id;
    // Who plays the persona is known once the turn-pipeline has spoken the opening.
    expect(created.body.session).toMatchObject({ status: 'active', offlineRoleplayer: null, mode: 'turn' });

    const client = await PracticeClient.connect(gateway, token);
    try {
      await client.join(sessionId);
      // The AI speaks first, without any trainee input.
      const opening = await client.next('ai_turn', (e) => e.turn.sequence === 0);
      expect((await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token })).body.session.offlineRoleplayer).toBe(true);
      const start = scenario.script!.nodes.find((n) => n.id === scenario.script!.start)!;
      expect(opening.turn.text).toBe(start.say[0]);
      expect(await expectPlayableAudio(opening.turn)).toBeGreaterThan(1000);

      const audio = await spokenMp3('Could you please verify the email on your account for me');
      const ack = await client.turn(sessionId, 1, audio);
      expect(ack).toMatchObject({ ok: true, sequence: 1 });

      const transcript = await client.next('transcript', (e) => e.turnId === ack.turnId);
      expect(transcript.status).toBe('done');
      expect(transcript.text).toMatch(/email|account|verify/);

      const reply = await client.next('ai_turn', (e) => e.turn.sequence === 2);
      const verified = scenario.script!.nodes.find((n) => n.id === start.routes.find((r) => r.intent === 'verifies')!.next)!;
      expect(reply.turn.text).toBe(verified.say[0]);
      expect(reply.turn.speaker).toBe('ai');
      expect(await expectPlayableAudio(reply.turn)).toBeGreaterThan(500);

      // A late joiner gets every turn so far, transcripts included.
      const late = await PracticeClient.connect(gateway, token);
      const state = await late.join(sessionId);
      late.close();
      expect(state.turns.map((t) => [t.sequence, t.speaker])).toEqual([[0, 'ai'], [1, 'trainee'], [2, 'ai']]);
      expect(state.turns[1]!.text).toBe(transcript.text);

      const stopped = await client.emit('stop', { sessionId });
      expect(stopped.ok).toBe(true);
      const termination = await client.next('termination');
      expect(termination).toMatchObject({ sessionId, reason: 'manual_stop' });
      const after = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
      expect(after.body.session).toMatchObject({ status: 'ended', terminationReason: 'manual_stop' });
    } finally {
      client.close();
    }
  });

  describe('bad turns leave the session unchanged', () => {
    let sessionId: string;
    let client: PracticeClient;
    let audio: Buffer;
    const times = () => ({ startedAt: new Date(Date.now() - 3000).toISOString(), endedAt: new Date().toISOString() });

    beforeAll(async () => {
      sessionId = (await createSession(gateway, token, SCENARIO)).body.session.id;
      client = await PracticeClient.connect(gateway, token);
      await client.join(sessionId);
      await client.next('ai_turn', (e) => e.turn.sequence === 0);
      audio = await spokenMp3('Hello, I am sorry about the double charge');
    });

    afterAll(() => client?.close());

    async function turns(): Promise<number[]> {
      const state = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
      return state.body.turns.map((t: { sequence: number }) => t.sequence);
    }

    async function restTurn(fields: Record<string, string>, file?: Buffer) {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      if (file) form.append('audio', new Blob([new Uint8Array(file)], { type: 'audio/mpeg' }), 'turn.mp3');
      return api(gateway, 'POST', `/api/sessions/${sessionId}/turns`, { token, body: form });
    }

    it('refuses oversize audio with 413 over socket and REST', async () => {
      const big = Buffer.alloc(MAX_TURN_AUDIO_BYTES + 1, 0xff);
      const ack = await client.emit('trainee_turn', { sessionId, sequence: 1, ...times(), audio: big });
      expect(ack.error).toMatchObject({ code: 'payload_too_large', status: 413 });
      const rest = await restTurn({ sequence: '1', ...times() }, big);
      expect(rest.status).toBe(413);
      expect(rest.body.error.message).toMatch(/shorter|bitrate/);
      expect(await turns()).toEqual([0]);
    });

    it('refuses missing or undecodable audio with 422 and lets the same sequence be resent', async () => {
      const garbage = await client.emit('trainee_turn', { sessionId, sequence: 1, ...times(), audio: Buffer.from('definitely not an mp3 file') });
      expect(garbage.error).toMatchObject({ code: 'invalid_audio', status: 422, retryable: true });
      const missing = await restTurn({ sequence: '1', ...times() });
      expect(missing.status).toBe(422);
      expect(missing.body.error.code).toBe('invalid_audio');
      expect(await turns()).toEqual([0]);
    });

    it('refuses bad or missing timestamps with 422', async () => {
      const reversed = await client.emit('trainee_turn', {
        sessionId,
        sequence: 1,
        startedAt: new Date().toISOString(),
        endedAt: new Date(Date.now() - 5000).toISOString(),
        audio,
      });
      expect(reversed.error).toMatchObject({ code: 'invalid_timestamps', status: 422 });
      const missing = await restTurn({ sequence: '1' }, audio);
      expect(missing.status).toBe(422);
      expect(missing.body.error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['startedAt', 'endedAt']));
      expect(await turns()).toEqual([0]);
    });

    it('refuses a wrong sequence with 409, accepts the right one once, and acks a duplicate the same', async () => {
      const wrong = await client.emit('trainee_turn', { sessionId, sequence: 3, ...times(), audio });
      expect(wrong.error).toMatchObject({ code: 'sequence_conflict', status: 409 });
      const t = times();
      const first = await restTurn({ sequence: '1', ...t }, audio);
      expect(first.status).toBe(201);
      const again = await client.emit('trainee_turn', { sessionId, sequence: 1, ...t, audio });
      expect(again).toMatchObject({ ok: true, turnId: first.body.turnId, sequence: 1 });
      expect(await turns()).toEqual([0, 1]);
    });

    it('refuses a turn on an ended session with 409', async () => {
      expect((await api(gateway, 'POST', `/api/sessions/${sessionId}/stop`, { token })).status).toBe(200);
      const late = await client.emit('trainee_turn', { sessionId, sequence: 3, ...times(), audio });
      expect(late.error).toMatchObject({ code: 'session_ended', status: 409 });
      const count = (await turns()).length;
      await sleep(200);
      expect((await turns()).length).toBe(count);
    });

    it("hides another trainee's session everywhere", async () => {
      const other = await devToken(gateway, 'someone-else');
      expect((await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token: other })).status).toBe(404);
      const stranger = await PracticeClient.connect(gateway, other);
      const ack = await stranger.emit('join', { sessionId });
      stranger.close();
      expect(ack.error).toMatchObject({ code: 'not_found' });
    });
  });

  it('refuses incomplete scenarios, clock drift and unknown ids at creation', async () => {
    const drift = await api(gateway, 'POST', '/api/sessions', {
      token,
      body: { scenarioId: SCENARIO, mode: 'turn', clientSessionStartedAt: new Date(Date.now() + 5000).toISOString() },
    });
    expect(drift.status).toBe(422);
    expect(drift.body.error.code).toBe('clock_drift');
    const noClock = await api(gateway, 'POST', '/api/sessions', { token, body: { scenarioId: SCENARIO, mode: 'turn' } });
    expect(noClock.status).toBe(422);
    const draft = await api(gateway, 'POST', '/api/scenarios', { token: author, body: { title: 'Half done' } });
    const incomplete = await createSession(gateway, token, draft.body.id);
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.error.code).toBe('scenario_incomplete');
    expect((await createSession(gateway, token, 'no-such-scenario')).status).toBe(404);
  });

  it('ends an idle session with idle_timeout within 2 s of its deadline', async () => {
    const quickId = await scenarioWithEndCriteria(gateway, author, scenario, { idleTimeoutSec: 5, maxDurationSec: 120 });
    const sessionId = (await createSession(gateway, token, quickId)).body.session.id;
    const client = await PracticeClient.connect(gateway, token);
    try {
      await client.join(sessionId);
      const termination = await client.next('termination', () => true, 20_000);
      const receivedAt = Date.now();
      expect(termination.reason).toBe('idle_timeout');
      const state = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
      const lateBy = receivedAt - Date.parse(state.body.session.deadlines.idleAt);
      expect(lateBy).toBeLessThan(2000);
      expect(lateBy).toBeGreaterThanOrEqual(0);
    } finally {
      client.close();
    }
  });

  it('ends the session max_turns once the AI has answered the last trainee turn the scenario allows', async () => {
    const oneTurnId = await scenarioWithEndCriteria(gateway, author, scenario, { maxTurns: 1 });
    const sessionId = (await createSession(gateway, token, oneTurnId)).body.session.id;
    const client = await PracticeClient.connect(gateway, token);
    try {
      await client.join(sessionId);
      await client.next('ai_turn', (e) => e.turn.sequence === 0);
      const ack = await client.turn(sessionId, 1, await spokenMp3('Could you please verify the email on your account for me'));
      expect(ack).toMatchObject({ ok: true, sequence: 1 });
      await client.next('ai_turn', (e) => e.turn.sequence === 2, 20_000);
      expect(await client.next('termination', () => true, 20_000)).toMatchObject({ sessionId, reason: 'max_turns' });
      const state = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
      expect(state.body.session).toMatchObject({ status: 'ended', terminationReason: 'max_turns' });
      expect(state.body.turns.map((t: { speaker: string }) => t.speaker)).toEqual(['ai', 'trainee', 'ai']);
    } finally {
      client.close();
    }
  });

  it('fires max duration even when the session service restarted after arming it', async () => {
    const shortId = await scenarioWithEndCriteria(gateway, author, scenario, { idleTimeoutSec: 120, maxDurationSec: 10 });
    const sessionId = (await createSession(gateway, token, shortId)).body.session.id;
    const client = await PracticeClient.connect(gateway, token);
    try {
      await client.join(sessionId);
      await platform.stopService('session', 'SIGKILL');
      await platform.startService('session');
      const termination = await client.next('termination', () => true, 25_000);
      expect(termination.reason).toBe('max_duration');
      const state = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
      expect(Date.now() - Date.parse(state.body.session.deadlines.maxDurationAt)).toBeLessThan(2000);
    } finally {
      client.close();
    }
  });
});
