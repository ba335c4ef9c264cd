import type { ScenarioView } from '@parley/contracts';
import { TestPlatform, api, devToken, sleep, startFakeOpenAi, type FakeOpenAi } from '@parley/testing';
import { PracticeClient } from './practice-client';
import { readSse, type SseEvent } from './sse-client';

const SCENARIO = 'support-double-charge';

async function textSession(gateway: string, token: string, body: Record<string, unknown> = { scenarioId: SCENARIO }) {
  const created = await api(gateway, 'POST', '/api/sessions', {
    token,
    body: { mode: 'text', clientSessionStartedAt: new Date().toISOString(), ...body },
  });
  if (created.status !== 201) throw new Error(`session: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.session.id as string;
}

/** Waits for the AI's opening (turn 0): messages are refused until it is there. */
async function opened(gateway: string, token: string, sessionId: string) {
  for (let i = 0; i < 200; i++) {
    const state = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
    const opening = state.body.turns?.find((t: { sequence: number }) => t.sequence === 0);
    if (opening) return opening;
    await sleep(50);
  }
  throw new Error('no opening turn');
}

/** The roleplayer's streamed requests answering `message`. */
const repliesTo = (fake: FakeOpenAi, message: string) =>
  fake.requestsTo('chat').filter((r) => r.body.stream && r.body.messages.at(-1)?.content === message);

const tokensOf = (events: SseEvent[]) => events.filter((e) => e.event === 'token').map((e) => e.data.delta as string).join('');

describe('text practice, offline script', () => {
  let platform: TestPlatform;
  let gateway: string;
  let token: string;
  let scenario: ScenarioView;

  beforeAll(async () => {
    platform = await TestPlatform.start({ services: ['gateway', 'session', 'turn-pipeline', 'evaluator'] });
    gateway = platform.url('gateway');
    token = await devToken(gateway, 'chat-trainee');
    const author = await devToken(gateway, 'chat-author', ['author']);
    scenario = (await api<ScenarioView>(gateway, 'GET', `/api/scenarios/${SCENARIO}`, { token: author })).body;
  }, 120_000);

  afterAll(() => platform?.stop());

  it('answers a message whole with /chat/wait, the AI turn stored as answered, and evaluates the session', async () => {
    const sessionId = await textSession(gateway, token);
    const opening = await opened(gateway, token, sessionId);
    const start = scenario.script!.nodes.find((n) => n.id === scenario.script!.start)!;
    expect(opening.text).toBe(start.say[0]);
    expect(opening.audioUrl).toBeNull(); // the AI writes in text mode

    const waited = await api(gateway, 'POST', '/api/chat/wait', {
      token,
      body: { sessionId, message: 'Could you please verify the email on your account for me?' },
    });
    expect(waited.status).toBe(200);
    const [trainee, ai] = waited.body.turns;
    expect(trainee).toMatchObject({ sequence: 1, speaker: 'trainee', text: 'Could you please verify the email on your account for me?' });
    const verified = scenario.script!.nodes.find((n) => n.id === start.routes.find((r) => r.intent === 'verifies')!.next)!;
    expect(ai).toMatchObject({ sequence: 2, speaker: 'ai' });
    expect(verified.say).toContain(ai.text);

    const state = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
    expect(state.body.turns.map((t: { text: string }) => t.text)).toEqual([opening.text, trainee.text, ai.text]);

    expect((await api(gateway, 'POST', `/api/sessions/${sessionId}/stop`, { token })).status).toBe(200);
    for (let i = 0; i < 100; i++) {
      const evaluation = await api(gateway, 'GET', `/api/sessions/${sessionId}/evaluation`, { token });
      if (evaluation.body?.status === 'succeeded') return;
      await sleep(100);
    }
    throw new Error('the text session was not evaluated');
  });

  it('streams a reply as tokens then done (the stored turn), resumable after the end from any event id', async () => {
    const sessionId = await textSession(gateway, token);
    await opened(gateway, token, sessionId);
    const first = await readSse(`${gateway}/api/chat/streaming`, {
      method: 'POST',
      token,
      body: { sessionId, message: 'Hello, I am calling about a double charge on my card.' },
    });
    expect(first.status).toBe(200);
    const streamId = first.headers.get('x-stream-id')!;
    expect(first.events[0]).toMatchObject({ event: 'stream', data: { streamId } });
    const done = first.events.at(-1)!;
    expect(done.event).toBe('done');
    const tokens = first.events.filter((e) => e.event === 'token');
    expect(tokens.length).toBeGreaterThan(1); // word by word
    expect(tokensOf(first.events).trim()).toBe(done.data.text);
    expect(new Set(first.events.map((e) => e.id)).size).toBe(first.events.length);

    // Resuming after the end replays exactly the tail after the given id.
    const from = tokens[1]!.id;
    const tail = await readSse(`${gateway}/api/chat/streaming/${streamId}`, { token, lastEventId: from });
    expect(tail.events.map((e) => e.id)).toEqual(first.events.slice(first.events.findIndex((e) => e.id === from) + 1).map((e) => e.id));
    // Without an id: everything, from the stream event on.
    const all = await readSse(`${gateway}/api/chat/streaming/${streamId}`, { token });
    expect(all.events.map((e) => e.event)).toEqual(first.events.map((e) => e.event));
  });

  it('refuses bad messages with coded errors and keeps the session intact', async () => {
    const sessionId = await textSession(gateway, token);
    await opened(gateway, token, sessionId);
    const long = await api(gateway, 'POST', '/api/chat/wait', { token, body: { sessionId, message: 'x'.repeat(4001) } });
    expect(long.status).toBe(413);
    expect(long.body.error.code).toBe('payload_too_large');
    const empty = await api(gateway, 'POST', '/api/chat/wait', { token, body: { sessionId, message: '   ' } });
    expect(empty.status).toBe(422);
    const missing = await api(gateway, 'POST', '/api/chat/streaming', { token, body: { sessionId } });
    expect(missing.status).toBe(422);
    const other = await devToken(gateway, 'chat-intruder');
    expect((await api(gateway, 'POST', '/api/chat/wait', { token: other, body: { sessionId, message: 'hi' } })).status).toBe(404);
    const turnSession = await api(gateway, 'POST', '/api/sessions', {
      token,
      body: { scenarioId: SCENARIO, mode: 'turn', clientSessionStartedAt: new Date().toISOString() },
    });
    const wrongMode = await api(gateway, 'POST', '/api/chat/wait', { token, body: { sessionId: turnSession.body.session.id, message: 'hi' } });
    expect(wrongMode.status).toBe(409);
    expect((await api(gateway, 'GET', `/api/chat/streaming/${sessionId}.99`, { token })).status).toBe(404);
    expect((await api(gateway, 'GET', '/api/chat/streaming/not-a-stream', { token })).status).toBe(404);
    // None of that stored anything: the next message is still turn 1.
    const ok = await api(gateway, 'POST', '/api/chat/wait', { token, body: { sessionId, message: 'Hello there.' } });
    expect(ok.body.turns[0].sequence).toBe(1);
  });

  it('free practice from a template and from a custom prompt, in text and turn mode', async () => {
    const fromTemplate = await textSession(gateway, token, { templateId: 'language-teacher' });
    const opening = await opened(gateway, token, fromTemplate);
    expect(opening.text).toMatch(/Ms\. Rivera/);
    const reply = await api(gateway, 'POST', '/api/chat/wait', { token, body: { sessionId: fromTemplate, message: 'My name is Ana.' } });
    expect(reply.status).toBe(200);
    const detail = await api(gateway, 'GET', `/api/sessions/${fromTemplate}`, { token });
    expect(detail.body.session).toMatchObject({ offlineRoleplayer: true, scenarioTitle: 'Free practice: Language teacher' });

    const custom = await textSession(gateway, token, { systemPrompt: 'You are a grumpy landlord who does not want to fix the heating.' });
    expect((await opened(gateway, token, custom)).text).toBeTruthy();

    const turnMode = await api(gateway, 'POST', '/api/sessions', {
      token,
      body: { mode: 'turn', templateId: 'tech-support', clientSessionStartedAt: new Date().toISOString() },
    });
    expect(turnMode.status).toBe(201);
    const client = await PracticeClient.connect(gateway, token);
    try {
      await client.join(turnMode.body.session.id);
      const spoken = await client.next('ai_turn', (e) => e.turn.sequence === 0);
      expect(spoken.turn.audioUrl).toBeTruthy();
    } finally {
      client.close();
    }

    // Free-practice scenarios are private: not in the catalog, 404 for anyone.
    const catalog = await api(gateway, 'GET', '/api/scenarios?pageSize=100', { token });
    expect(catalog.body.items.some((s: { id: string }) => s.id.startsWith('free-'))).toBe(false);
    const tooShort = await api(gateway, 'POST', '/api/sessions', {
      token,
      body: { mode: 'text', systemPrompt: 'short', clientSessionStartedAt: new Date().toISOString() },
    });
    expect(tooShort.status).toBe(422);
    const both = await api(gateway, 'POST', '/api/sessions', {
      token,
      body: { mode: 'text', templateId: 'tech-support', scenarioId: SCENARIO, clientSessionStartedAt: new Date().toISOString() },
    });
    expect(both.status).toBe(422);
    const unknownTemplate = await api(gateway, 'POST', '/api/sessions', {
      token,
      body: { mode: 'text', templateId: 'nope', clientSessionStartedAt: new Date().toISOString() },
    });
    expect(unknownTemplate.status).toBe(404);
  });
});

describe('text practice, model roleplayer', () => {
  let platform: TestPlatform;
  let fake: FakeOpenAi;
  let gateway: string;
  let secondGateway: string;
  let token: string;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    platform = await TestPlatform.start({
      services: ['gateway', 'session', 'turn-pipeline'],
      env: { LLM_BASE_URL: fake.url, LLM_API_KEY: 'test-key', LLM_MODEL: 'fake-model', LLM_TIMEOUT_MS: '1500' },
      replicas: { gateway: 2 },
    });
    // Each replica by its own address (not the balancer), so the resumed stream surely crosses gateways.
    gateway = platform.replicaUrl('gateway', 1);
    secondGateway = platform.replicaUrl('gateway', 2);
    token = await devToken(gateway, 'chat-model-trainee');
  }, 120_000);

  afterEach(() => fake.reset());
  afterAll(async () => {
    await platform?.stop();
    await fake?.close();
  });

  const slowReply = 'Thanks for calling. I can see two charges of the same amount on your card, and I will look into them now.';

  it('resumes a stream dropped mid-reply through another gateway: no duplicate, no gap, then done', async () => {
    const sessionId = await textSession(gateway, token);
    await opened(gateway, token, sessionId);
    fake.enqueue('chat', { reply: slowReply, chunkDelayMs: 60 });
    const dropped = await readSse(
      `${gateway}/api/chat/streaming`,
      { method: 'POST', token, body: { sessionId, message: 'I was charged twice.' } },
      (_event, events) => events.filter((e) => e.event === 'token').length === 3,
    );
    const streamId = dropped.headers.get('x-stream-id')!;
    // A second message while the reply streams: 409.
    const second = await api(gateway, 'POST', '/api/chat/wait', { token, body: { sessionId, message: 'Hello?' } });
    expect(second.status).toBe(409);

    const resumed = await readSse(`${secondGateway}/api/chat/streaming/${streamId}`, { token, lastEventId: dropped.events.at(-1)!.id });
    const done = resumed.events.at(-1)!;
    expect(done.event).toBe('done');
    expect(tokensOf([...dropped.events, ...resumed.events])).toBe(slowReply);
    expect(done.data.text).toBe(slowReply);
    const ids = [...dropped.events, ...resumed.events].map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    // The client closing its stream did not cancel the reply: it was stored.
    const state = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
    expect(state.body.turns.at(-1)).toMatchObject({ sequence: 2, text: slowReply });
  });

  it('a provider stalling mid-stream ends the stream with error and the session with provider_error, keeping every message', async () => {
    const sessionId = await textSession(gateway, token);
    await opened(gateway, token, sessionId);
    fake.enqueue('chat', { reply: slowReply, stallAfterChunks: 4 });
    const streamed = await readSse(`${gateway}/api/chat/streaming`, {
      method: 'POST',
      token,
      body: { sessionId, message: 'I was charged twice.' },
    });
    const last = streamed.events.at(-1)!;
    expect(last).toMatchObject({ event: 'error', data: { code: 'provider_error' } });
    expect(streamed.events.some((e) => e.event === 'token')).toBe(true);
    expect(repliesTo(fake, 'I was charged twice.')).toHaveLength(1); // no retry once tokens went out
    const state = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
    expect(state.body.session).toMatchObject({ status: 'failed', terminationReason: 'provider_error' });
    expect(state.body.turns.map((t: { sequence: number }) => t.sequence)).toEqual([0, 1]);
  });

  it('ending the session cancels the reply: the provider request is aborted and the stream ends with an error', async () => {
    const sessionId = await textSession(gateway, token);
    await opened(gateway, token, sessionId);
    fake.enqueue('chat', { reply: slowReply, chunkDelayMs: 200 });
    const streaming = readSse(`${gateway}/api/chat/streaming`, { method: 'POST', token, body: { sessionId, message: 'Hi.' } });
    for (let i = 0; i < 100 && repliesTo(fake, 'Hi.').length === 0; i++) await sleep(20);
    await sleep(300);
    expect((await api(gateway, 'POST', `/api/sessions/${sessionId}/stop`, { token })).status).toBe(200);
    const streamed = await streaming;
    expect(streamed.events.at(-1)).toMatchObject({ event: 'error', data: { code: 'session_ended' } });
    for (let i = 0; i < 50 && !repliesTo(fake, 'Hi.')[0]?.abortedAt; i++) await sleep(20);
    expect(repliesTo(fake, 'Hi.')[0]?.abortedAt).toBeDefined();
  });
});
