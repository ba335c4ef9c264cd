import { Jobs, Queues, jobId } from '@parley/contracts';
import { createPrismaClient, type PrismaClient } from '@parley/db';
import { JobQueues } from '@parley/queue';
import { TcpProxy, TestPlatform, api, devToken, sleep, testInfra } from '@parley/testing';
import { UnrecoverableError, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { createSession } from '../../gateway/test/practice-client';

const SCENARIO = 'support-double-charge';
const quiet = { info() {}, warn() {}, error() {} };

/**
 * Issue 8 item 1 for the evaluator: a requeue whose enqueue fails (Redis down) is not stuck `queued`; an evaluation
 * whose job died outside our code ends `failed` and can be requeued; a malformed job payload is dead-lettered at once.
 * The evaluator reaches Redis through a TCP proxy, so the outage never touches the shared server.
 */
describe('evaluation recovery', () => {
  const infra = testInfra();
  let redisProxy: TcpProxy;
  let platform: TestPlatform;
  let gateway: string;
  let token: string;
  let prisma: PrismaClient;
  let queues: JobQueues;

  beforeAll(async () => {
    redisProxy = await TcpProxy.start(infra.redisUrl, 6379);
    platform = await TestPlatform.start({
      services: ['gateway', 'session', 'evaluator'],
      serviceEnv: {
        evaluator: {
          REDIS_URL: redisProxy.url(infra.redisUrl),
          EVAL_RECONCILE_INTERVAL_MS: '500',
          QUEUE_STALLED_INTERVAL_MS: '1000',
          EVAL_TRANSCRIPT_WAIT_MS: '1000',
        },
      },
    });
    gateway = platform.url('gateway');
    token = await devToken(gateway, 'trainee-eval-recovery');
    prisma = createPrismaClient(platform.databaseUrl);
    queues = new JobQueues(infra.redisUrl, platform.namespace, quiet);
  }, 120_000);

  afterAll(async () => {
    await queues?.close();
    await prisma?.$disconnect();
    await platform?.stop();
    await redisProxy?.down();
  });

  afterEach(() => redisProxy.up());

  async function evaluation(sessionId: string, until: (e: { status: string; failureReason: string | null }) => boolean, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = await prisma.evaluation.findUnique({ where: { sessionId } });
      if (row && until(row)) return row;
      if (Date.now() > deadline) throw new Error(`evaluation of ${sessionId}: ${row?.status ?? 'none'}`);
      await sleep(200);
    }
  }

  async function evaluatedSession(): Promise<string> {
    const sessionId = (await createSession(gateway, token, SCENARIO)).body.session.id;
    expect((await api(gateway, 'POST', `/api/sessions/${sessionId}/stop`, { token })).status).toBe(200);
    await evaluation(sessionId, (e) => e.status === 'succeeded');
    return sessionId;
  }

  it('a requeue whose enqueue fails while Redis is down is not stuck queued: the job arrives once Redis returns', async () => {
    const sessionId = await evaluatedSession();
    const firstQueuing = (await prisma.evaluation.findUniqueOrThrow({ where: { sessionId } })).queuedAt.getTime();
    await redisProxy.down();
    // The reset commits with its job entry; the enqueue cannot happen yet (the answer may time out meanwhile).
    const requeue = api(gateway, 'POST', `/api/sessions/${sessionId}/evaluation`, { token });
    const queued = await evaluation(sessionId, (e) => e.status === 'queued', 10_000);
    expect(queued.status).toBe('queued');
    const [entries] = await prisma.$queryRaw<[{ count: bigint }]>`SELECT count(*) AS count FROM evaluator_outbox WHERE kind = 'job'`;
    expect(Number(entries.count)).toBeGreaterThanOrEqual(1);
    // A job of the first queuing that comes back late (it lost its lock in the outage) must not run the new one again.
    await queues.add(Queues.Evaluation, Jobs.EvaluateSession, { sessionId, queuedAt: firstQueuing }, { jobId: jobId('evaluate', sessionId, 'stale') });
    await sleep(1500);
    await redisProxy.up();
    expect([202, 504, 503]).toContain((await requeue).status);
    const done = await evaluation(sessionId, (e) => e.status === 'succeeded');
    const stale = jobId('evaluate', sessionId, 'stale');
    for (const deadline = Date.now() + 15_000; (await queues.queue(Queues.Evaluation).getJobState(stale)) !== 'completed'; await sleep(200)) {
      if (Date.now() > deadline) throw new Error('the stale job never ran');
    }
    expect((await prisma.evaluation.findUniqueOrThrow({ where: { sessionId } })).attempts).toBe(2);
    expect(done.attempts).toBe(2);
    const [left] = await prisma.$queryRaw<[{ count: bigint }]>`SELECT count(*) AS count FROM evaluator_outbox`;
    expect(Number(left.count)).toBe(0);
    // And it can be requeued again: nothing was left half done.
    expect((await api(gateway, 'POST', `/api/sessions/${sessionId}/evaluation`, { token })).status).toBe(202);
    expect((await evaluation(sessionId, (e) => e.status === 'succeeded' && (e as { attempts?: number }).attempts === 3)).status).toBe('succeeded');
  }, 90_000);

  it('an evaluation whose job failed outside our handler ends failed and can be requeued', async () => {
    const sessionId = await evaluatedSession();
    await platform.stopService('evaluator');
    // The state a requeue leaves, with its job then failed by BullMQ itself (stalled too often, or a worker that
    // died on its last attempt): our handler never ran, so nothing recorded the failure.
    const queuedAt = new Date();
    await prisma.evaluation.update({
      where: { sessionId },
      data: { status: 'queued', queuedAt, finishedAt: null, updatedAt: new Date(Date.now() - 60_000) },
    });
    const id = jobId('evaluate', sessionId, queuedAt.getTime());
    await queues.add(Queues.Evaluation, Jobs.EvaluateSession, { sessionId }, { jobId: id, attempts: 1 });
    const connection = new IORedis(infra.redisUrl, { maxRetriesPerRequest: null });
    const killer = new Worker(
      Queues.Evaluation,
      async () => {
        throw new UnrecoverableError('job stalled more than allowable limit');
      },
      { connection, prefix: platform.namespace },
    );
    const deadline = Date.now() + 10_000;
    while ((await queues.queue(Queues.Evaluation).getJob(id))?.failedReason === undefined && Date.now() < deadline) await sleep(100);
    await killer.close();
    connection.disconnect();
    expect(await (await queues.queue(Queues.Evaluation).getJob(id))!.getState()).toBe('failed');

    await platform.startService('evaluator');
    const failed = await evaluation(sessionId, (e) => e.status === 'failed', 20_000);
    expect(failed.failureReason).toMatch(/requeue/);
    const view = await api(gateway, 'GET', `/api/sessions/${sessionId}/evaluation`, { token });
    expect(view.body.status).toBe('failed');
    expect((await api(gateway, 'POST', `/api/sessions/${sessionId}/evaluation`, { token })).status).toBe(202);
    await evaluation(sessionId, (e) => e.status === 'succeeded');
  }, 90_000);

  it('dead-letters a malformed job payload at once: failed, not retried, the evaluator keeps working', async () => {
    const id = 'malformed-evaluation-job';
    await queues.queue(Queues.Evaluation).add(Jobs.EvaluateSession, { sessionId: 42, extra: 'x'.repeat(10) } as never, {
      jobId: id,
      attempts: 5,
      backoff: { type: 'fixed', delay: 100 },
    });
    const deadline = Date.now() + 15_000;
    let job = await queues.queue(Queues.Evaluation).getJob(id);
    while ((await job?.getState()) !== 'failed' && Date.now() < deadline) {
      await sleep(100);
      job = await queues.queue(Queues.Evaluation).getJob(id);
    }
    expect(await job!.getState()).toBe('failed');
    expect(job!.attemptsMade).toBe(1);
    expect(job!.failedReason).toMatch(/Malformed/);
    expect((await fetch(`${platform.url('evaluator')}/ready`)).status).toBe(200);
    // Still scoring real sessions.
    await evaluatedSession();
  }, 60_000);
});
