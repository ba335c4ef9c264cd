import { FAKE_JUDGE_REPLY, TestPlatform, api, devToken, sleep, startFakeOpenAi, type FakeOpenAi } from '@parley/testing';
import { PracticeClient, createSession, spokenMp3 } from '../../gateway/test/practice-client';

const SCENARIO = 'sales-discovery-call';

/**
 * The OpenAI-compatible path of the roleplayer (SPEC §4.6, §6) against a local server speaking the OpenAI wire
 * format: replies flow, stalls and 5xx are retried, and a provider that keeps failing ends the session with
 * `provider_error` while keeping what was recorded.
 */
describe('roleplayer on an OpenAI-compatible model', () => {
  let fake: FakeOpenAi;
  let platform: TestPlatform;
  let gateway: string;
  let token: string;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    platform = await TestPlatform.start({
      services: ['gateway', 'session', 'turn-pipeline'],
      env: { LLM_BASE_URL: fake.url, LLM_API_KEY: 'test-key', LLM_MODEL: 'fake-model', LLM_TIMEOUT_MS: '1500', QUEUE_STALLED_INTERVAL_MS: '1500' },
    });
    gateway = platform.url('gateway');
    token = await devToken(gateway, 'trainee-model');
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await fake?.close();
  });

  beforeEach(() => fake.reset());

  async function opening(): Promise<{ client: PracticeClient; sessionId: string }> {
    const created = await createSession(gateway, token, SCENARIO);
    expect(created.status).toBe(201);
    // Known once the turn-pipeline has played the opening.
    expect(created.body.session.offlineRoleplayer).toBeNull();
    const client = await PracticeClient.connect(gateway, token);
    await client.join(created.body.session.id);
    return { client, sessionId: created.body.session.id };
  }

  it("speaks the model's words, after retrying 5xx answers and a stream that stalls", async () => {
    fake.enqueue('chat', { status: 503, times: 1 }, { stallAfterChunks: 1 }, { reply: 'Hello, this is Dana from Acme. How can I help?' });
    const { client, sessionId } = await opening();
    try {
      const turn = await client.next('ai_turn', (e) => e.turn.sequence === 0, 30_000);
      expect(turn.turn.text).toBe('Hello, this is Dana from Acme. How can I help?');
      expect((await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token })).body.session.offlineRoleplayer).toBe(false);
      const chats = fake.requestsTo('chat');
      expect(chats).toHaveLength(3);
      expect(chats[0]!.headers.authorization).toBe('Bearer test-key');
      expect(chats[0]!.body.model).toBe('fake-model');
    } finally {
      client.close();
    }
  });

  it('ends the session with provider_error when the model keeps failing, keeping what was recorded', async () => {
    fake.setBehaviour('chat', { status: 500 });
    const { client, sessionId } = await opening();
    try {
      const termination = await client.next('termination', () => true, 30_000);
      expect(termination.reason).toBe('provider_error');
      expect(termination.message).toMatch(/practise again/);
      expect(fake.requestsTo('chat')).toHaveLength(3);
      const state = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
      expect(state.body.session).toMatchObject({ status: 'failed', terminationReason: 'provider_error' });
    } finally {
      client.close();
    }
  });

  it('finishes a job in another worker when the worker running it is killed, without a duplicate turn', async () => {
    fake.enqueue('chat', { delayHeadersMs: 4000, reply: 'First worker never finishes this.' });
    fake.setBehaviour('chat', { reply: 'Second worker speaks.' });
    const { client, sessionId } = await opening();
    try {
      for (let i = 0; i < 100 && fake.requestsTo('chat').length === 0; i++) await sleep(50);
      expect(fake.requestsTo('chat')).toHaveLength(1);
      await platform.startService('turn-pipeline', {}, 2);
      await platform.stopService('turn-pipeline', 'SIGKILL');
      const turn = await client.next('ai_turn', (e) => e.turn.sequence === 0, 30_000);
      expect(turn.turn.text).toBe('Second worker speaks.');
      await sleep(1000);
      const state = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
      expect(state.body.turns.filter((t: { sequence: number }) => t.sequence === 0)).toHaveLength(1);
      expect(client.events.filter((e) => e.name === 'ai_turn')).toHaveLength(1);
    } finally {
      client.close();
      await platform.startService('turn-pipeline');
      await platform.stopService('turn-pipeline', 'SIGTERM', 2);
    }
  });
});

/** `LLM_AUDIO=true`: one omni call hears the trainee's audio and answers with text and speech (seed 000). */
describe('speech-to-speech model', () => {
  let fake: FakeOpenAi;
  let platform: TestPlatform;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    platform = await TestPlatform.start({
      services: ['gateway', 'session', 'turn-pipeline', 'asr'],
      serviceEnv: {
        'turn-pipeline': { LLM_BASE_URL: fake.url, LLM_API_KEY: 'k', LLM_MODEL: 'omni', LLM_AUDIO: 'true', LLM_TIMEOUT_MS: '3000' },
      },
    });
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await fake?.close();
  });

  it('answers a trainee turn from its audio, while the transcript still comes from ASR', async () => {
    const gateway = platform.url('gateway');
    const token = await devToken(gateway, 'trainee-omni');
    // The same model also judges the objectives: it answers JSON when asked for JSON.
    fake.setBehaviour('chat', { reply: (r) => (r.body.response_format ? FAKE_JUDGE_REPLY : 'I heard you loud and clear.') });
    const created = await createSession(gateway, token, 'sales-discovery-call');
    const client = await PracticeClient.connect(gateway, token);
    try {
      await client.join(created.body.session.id);
      await client.next('ai_turn', (e) => e.turn.sequence === 0);
      const ack = await client.emit('trainee_turn', {
        sessionId: created.body.session.id,
        sequence: 1,
        startedAt: new Date(Date.now() - 3000).toISOString(),
        endedAt: new Date().toISOString(),
        audio: await spokenMp3('Tell me about your current process'),
      });
      expect(ack.ok).toBe(true);
      const reply = await client.next('ai_turn', (e) => e.turn.sequence === 2);
      expect(reply.turn.text).toBe('I heard you loud and clear.');
      const transcript = await client.next('transcript', (e) => e.sequence === 1);
      expect(transcript.text).toMatch(/process/);
      const audioRequest = fake.requestsTo('chat').find((r) => JSON.stringify(r.body.messages).includes('input_audio'));
      expect(audioRequest?.body.modalities).toEqual(expect.arrayContaining(['audio']));
    } finally {
      client.close();
    }
  });
});
