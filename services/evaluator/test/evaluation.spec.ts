import { Bus } from '@parley/bus';
import { Events } from '@parley/contracts';
import { createPrismaClient } from '@parley/db';
import { FAKE_JUDGE_REPLY, TestPlatform, api, devToken, sleep, startFakeOpenAi, testInfra, type FakeOpenAi } from '@parley/testing';
import { PracticeClient, createSession, spokenMp3 } from '../../gateway/test/practice-client';

const SCENARIO = 'support-double-charge';

async function evaluationOf(gateway: string, token: string, sessionId: string, until: (status: string) => boolean) {
  for (let i = 0; i < 300; i++) {
    const response = await api(gateway, 'GET', `/api/sessions/${sessionId}/evaluation`, { token });
    if (response.status === 200 && until(response.body.status)) return response.body;
    await sleep(100);
  }
  throw new Error('evaluation did not reach the expected status');
}

/** A typed practice with one trainee message (enough to be judged), then stopped. */
async function endedSession(gateway: string, token: string): Promise<string> {
  const created = await api(gateway, 'POST', '/api/sessions', {
    token,
    body: { scenarioId: SCENARIO, mode: 'text', clientSessionStartedAt: new Date().toISOString() },
  });
  const sessionId = created.body.session.id;
  for (let i = 0; i < 200; i++) {
    const state = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
    if (state.body.turns?.length) break;
    await sleep(50);
  }
  const sent = await api(gateway, 'POST', '/api/chat/wait', {
    token,
    body: { sessionId, message: 'Hello Tom, could you tell me the email address on your account please?' },
  });
  expect(sent.status).toBe(200);
  expect((await api(gateway, 'POST', `/api/sessions/${sessionId}/stop`, { token })).status).toBe(200);
  return sessionId;
}

/** SPEC §5: one evaluation per ended session, offline heuristic, pushed as `evaluation_ready`. */
describe('evaluation, offline', () => {
  let platform: TestPlatform;
  let gateway: string;
  let token: string;

  beforeAll(async () => {
    platform = await TestPlatform.start({ services: ['gateway', 'session', 'turn-pipeline', 'asr', 'evaluator'] });
    gateway = platform.url('gateway');
    token = await devToken(gateway, 'trainee-eval');
  }, 120_000);

  afterAll(() => platform?.stop());

  it('scores a finished session once, pushes evaluation_ready, and ignores a second SessionEnded', async () => {
    const created = await createSession(gateway, token, SCENARIO);
    const sessionId = created.body.session.id;
    const client = await PracticeClient.connect(gateway, token);
    try {
      await client.join(sessionId);
      await client.next('ai_turn', (e) => e.turn.sequence === 0);
      const ack = await client.emit('trainee_turn', {
        sessionId,
        sequence: 1,
        startedAt: new Date(Date.now() - 3000).toISOString(),
        endedAt: new Date().toISOString(),
        audio: await spokenMp3('Can you tell me the email on your account please'),
      });
      expect(ack.ok).toBe(true);
      await client.next('ai_turn', (e) => e.turn.sequence === 2);
      await client.emit('stop', { sessionId });
      const ready = await client.next('evaluation_ready', () => true, 30_000);
      expect(ready).toMatchObject({ sessionId, status: 'succeeded' });
    } finally {
      client.close();
    }
    const evaluation = await evaluationOf(gateway, token, sessionId, (s) => s === 'succeeded');
    const scenario = (await api(gateway, 'GET', `/api/scenarios/${SCENARIO}`, { token })).body;
    expect(evaluation.heuristic).toBe(true);
    expect(evaluation.model).toBe('offline-heuristic');
    expect(evaluation.ratings.map((r: { skillId: string }) => r.skillId).sort()).toEqual([...scenario.skills].sort());
    expect(evaluation.analytics.traineeTurns).toBe(1);
    expect(evaluation.analytics.questionsAsked).toBeGreaterThanOrEqual(1);
    expect(evaluation.overallScore).toBeGreaterThanOrEqual(1);

    // The ended event delivered again (another message id, so JetStream does not dedupe it).
    const bus = await Bus.connect({ url: testInfra().natsUrl, namespace: platform.namespace, service: 'test' });
    await bus.publish(
      Events.SessionEnded,
      { sessionId, userId: 'trainee-eval', reason: 'manual_stop', status: 'ended', endedAt: new Date().toISOString() },
      { messageId: `duplicate-${sessionId}` },
    );
    await bus.close(0);
    await sleep(1500);
    const prisma = createPrismaClient(platform.databaseUrl);
    try {
      const rows = await prisma.evaluation.findMany({ where: { sessionId } });
      expect(rows).toHaveLength(1);
      expect(rows[0]!.attempts).toBe(1);
    } finally {
      await prisma.$disconnect();
    }
    const detail = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
    expect(detail.body.evaluation).toMatchObject({ status: 'succeeded' });
    const list = await api(gateway, 'GET', `/api/sessions?historyStepCount=1`, { token });
    expect(list.body.items.find((i: { id: string }) => i.id === sessionId)).toMatchObject({ evaluationStatus: 'succeeded' });

    const other = await devToken(gateway, 'eval-intruder');
    expect((await api(gateway, 'GET', `/api/sessions/${sessionId}/evaluation`, { token: other })).status).toBe(404);
    expect((await api(gateway, 'POST', `/api/sessions/${sessionId}/evaluation`, { token: other })).status).toBe(404);
  });
});

/** The LLM judge against a local server speaking the OpenAI wire format. */
describe('evaluation, LLM judge', () => {
  let fake: FakeOpenAi;
  let platform: TestPlatform;
  let gateway: string;
  let token: string;

  const judgement = (skills: string[]) =>
    JSON.stringify({
      ratings: skills.map((skillId) => ({ skillId, rating: 4, note: 'Clear and polite.' })),
      summary: 'A solid conversation.',
      strengths: ['Polite'],
      improvements: ['Verify earlier'],
      objectivesAchieved: [],
      objectivesMissed: ['resolve'],
    });

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    platform = await TestPlatform.start({
      services: ['gateway', 'session', 'turn-pipeline', 'evaluator'],
      serviceEnv: {
        evaluator: { EVAL_LLM_BASE_URL: fake.url, EVAL_LLM_MODEL: 'judge-model', LLM_TIMEOUT_MS: '8000', QUEUE_STALLED_INTERVAL_MS: '1500' },
      },
    });
    gateway = platform.url('gateway');
    token = await devToken(gateway, 'trainee-judge');
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await fake?.close();
  });

  let skills: string[];
  beforeAll(async () => {
    skills = (await api(gateway, 'GET', `/api/scenarios/${SCENARIO}`, { token })).body.skills;
  });

  beforeEach(() => fake.reset());

  it('stores a valid judgement, retries an invalid one, fails visibly when it stays invalid, and requeues', async () => {
    fake.enqueue('chat', { reply: judgement(skills) });
    const first = await endedSession(gateway, token);
    const stored = await evaluationOf(gateway, token, first, (s) => s === 'succeeded');
    expect(stored).toMatchObject({ heuristic: false, model: 'judge-model', summary: 'A solid conversation.', overallScore: 4 });

    fake.enqueue('chat', { invalidJson: true }, { reply: judgement(skills) });
    const second = await endedSession(gateway, token);
    await evaluationOf(gateway, token, second, (s) => s === 'succeeded');
    expect(fake.requestsTo('chat').length).toBe(3);

    fake.setBehaviour('chat', { reply: FAKE_JUDGE_REPLY });
    const third = await endedSession(gateway, token);
    const failed = await evaluationOf(gateway, token, third, (s) => s === 'failed');
    expect(failed.failureReason).toMatch(/valid JSON/);

    fake.setBehaviour('chat', { reply: judgement(skills) });
    const requeued = await api(gateway, 'POST', `/api/sessions/${third}/evaluation`, { token });
    expect(requeued.status).toBe(202);
    expect(requeued.body.status).toBe('queued');
    await evaluationOf(gateway, token, third, (s) => s === 'succeeded');
  });

  it('refuses a requeue while running, and finishes once when the evaluator is killed mid-job', async () => {
    fake.enqueue('chat', { delayHeadersMs: 5000, reply: judgement(skills) });
    fake.setBehaviour('chat', { reply: judgement(skills) });
    const sessionId = await endedSession(gateway, token);
    await evaluationOf(gateway, token, sessionId, (s) => s === 'running');
    expect((await api(gateway, 'POST', `/api/sessions/${sessionId}/evaluation`, { token })).status).toBe(409);
    await platform.stopService('evaluator', 'SIGKILL');
    await platform.startService('evaluator');
    const done = await evaluationOf(gateway, token, sessionId, (s) => s === 'succeeded');
    expect(done.overallScore).toBe(4);
    const prisma = createPrismaClient(platform.databaseUrl);
    try {
      expect(await prisma.evaluation.count({ where: { sessionId } })).toBe(1);
    } finally {
      await prisma.$disconnect();
    }
  });
});
