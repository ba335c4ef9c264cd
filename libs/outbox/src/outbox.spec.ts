/**
 * The transactional outbox against real Postgres (a clone of the migrated test template), NATS and Redis. NATS and
 * Redis are reached through TCP proxies, so an outage is simulated without touching the shared servers.
 */
import { Bus } from '@parley/bus';
import { Consumers, Events, Jobs, Queues } from '@parley/contracts';
import { Prisma, createPrismaClient, type PrismaClient } from '@parley/db';
import { JobQueues } from '@parley/queue';
import { TcpProxy, TestPlatform, sleep, testInfra } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import { Outbox } from './outbox';

const infra = testInfra();
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

describe('transactional outbox', () => {
  let platform: TestPlatform;
  let prisma: PrismaClient;
  let natsProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let bus: Bus;
  let queues: JobQueues;
  let consumerBus: Bus;
  /** Deliveries seen by a durable consumer, by JetStream message id. */
  const delivered = new Map<string, number>();
  const opened: Array<{ close(): Promise<unknown> }> = [];

  const outboxOf = (b: Bus, q: JobQueues, overrides: Partial<ConstructorParameters<typeof Outbox>[4]> = {}) =>
    new Outbox(prisma, b, q, quiet, { table: 'session_outbox', sweepIntervalMs: 200, sweepMinAgeMs: 0, ...overrides });

  const statusChanged = (sessionId = randomUUID()) => ({
    sessionId,
    userId: 'outbox-user',
    from: 'pending' as const,
    to: 'active' as const,
    at: new Date().toISOString(),
  });

  async function until(predicate: () => Promise<boolean> | boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await predicate())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  }

  beforeAll(async () => {
    // A platform without services: its own database clone and namespace.
    platform = await TestPlatform.start({ services: [] });
    prisma = createPrismaClient(platform.databaseUrl);
    natsProxy = await TcpProxy.start(infra.natsUrl, 4222);
    redisProxy = await TcpProxy.start(infra.redisUrl, 6379);
    bus = await Bus.connect({ url: natsProxy.url(infra.natsUrl), namespace: platform.namespace, service: 'outbox-test', logger: quiet });
    queues = new JobQueues(redisProxy.url(infra.redisUrl), platform.namespace, quiet);
    // The counting consumer talks to NATS directly, so it sees exactly what reached the stream.
    consumerBus = await Bus.connect({ url: infra.natsUrl, namespace: platform.namespace, service: 'outbox-count', logger: quiet });
    const count = async (_event: unknown, meta: { messageId: string | undefined }) => {
      delivered.set(meta.messageId!, (delivered.get(meta.messageId!) ?? 0) + 1);
    };
    await consumerBus.consume(Consumers.GatewayPushesSessionEvents, {
      [Events.SessionEnded]: count,
      [Events.TurnRecorded]: count,
      [Events.SessionStatusChanged]: count,
    });
  }, 60_000);

  afterAll(async () => {
    for (const o of opened.reverse()) await o.close().catch(() => undefined);
    await consumerBus?.close(0);
    await bus?.close(0).catch(() => undefined);
    await queues?.close().catch(() => undefined);
    await natsProxy?.down();
    await redisProxy?.down();
    await prisma?.$disconnect();
    await platform?.stop();
  });

  afterEach(async () => {
    await natsProxy.up();
    await redisProxy.up();
  });

  /** Every id delivered exactly once, after a pause long enough for a duplicate to show up. */
  async function expectDeliveredOnce(ids: string[]): Promise<void> {
    await until(() => ids.every((id) => delivered.has(id)), 20_000, `deliveries of ${ids.length} events`);
    await sleep(1000);
    expect(ids.map((id) => [id, delivered.get(id)])).toEqual(ids.map((id) => [id, 1]));
  }

  it('commits the change and relays at once on the fast path', async () => {
    const outbox = outboxOf(bus, queues);
    const ids = [randomUUID(), randomUUID()];
    await outbox.transaction(async (_tx, out) => {
      for (const id of ids) await out.event(Events.SessionStatusChanged, statusChanged(), id);
    });
    expect(await outbox.pending()).toBe(0);
    await expectDeliveredOnce(ids);
  });

  it('returns at the commit when asked to relay later, then relays on the fast path without the sweeper', async () => {
    const outbox = outboxOf(bus, queues);
    const ids = [randomUUID(), randomUUID()];
    const sessionId = randomUUID();
    const result = await outbox.transactionRelayingLater(async (tx, out) => {
      for (const id of ids) await out.event(Events.SessionStatusChanged, statusChanged(sessionId), id);
      return tx.$queryRaw<[{ n: number }]>`SELECT count(*)::int AS n FROM session_outbox WHERE id = ANY(${ids}::text[])`;
    });
    expect(result[0]!.n).toBe(2);
    await until(async () => (await outbox.pending()) === 0, 10_000, 'the background relay');
    await expectDeliveredOnce(ids);
  });

  it('announces a change made by one SQL statement in that statement: both commit and are relayed, or neither', async () => {
    const outbox = outboxOf(bus, queues);
    const addUser = (userId: string) => Prisma.sql`INSERT INTO users (id, created_at, updated_at) VALUES (${userId}, now(), now())`;
    const usersNamed = async (userId: string) =>
      (await prisma.$queryRaw<[{ n: number }]>`SELECT count(*)::int AS n FROM users WHERE id = ${userId}`)[0].n;

    const [userId, id] = [`statement-${randomUUID()}`, randomUUID()];
    const rows = await outbox.statement<{ n: number }>(
      (out) => Prisma.sql`WITH added AS (${addUser(userId)}), announced AS (${out.event(Events.SessionStatusChanged, statusChanged(), id)})
        SELECT 41 + 1 AS n`,
    );
    expect(rows).toEqual([{ n: 42 }]);
    expect(await usersNamed(userId)).toBe(1);
    expect(await outbox.pending()).toBe(0);
    await expectDeliveredOnce([id]);

    // The statement fails after its CTEs ran: the change and the entry roll back together, nothing is relayed.
    const [lostUser, lost] = [`statement-${randomUUID()}`, randomUUID()];
    await expect(
      outbox.statement(
        (out) => Prisma.sql`WITH added AS (${addUser(lostUser)}), announced AS (${out.event(Events.SessionStatusChanged, statusChanged(), lost)})
          SELECT 1 / 0 AS n`,
      ),
    ).rejects.toThrow(/division by zero/);
    // An invalid payload is refused before anything runs.
    await expect(
      outbox.statement((out) => Prisma.sql`WITH added AS (${addUser(lostUser)}), announced AS (${out.event(Events.SessionStatusChanged, { sessionId: 'x' } as never, lost)}) SELECT 1`),
    ).rejects.toThrow();
    expect(await usersNamed(lostUser)).toBe(0);
    expect(await outbox.pending()).toBe(0);
    await sleep(1000);
    expect(delivered.has(lost)).toBe(false);
  });

  it('keeps entries whose publish failed after the commit, and the sweeper publishes each once when NATS is back', async () => {
    const outbox = outboxOf(bus, queues);
    await natsProxy.down();
    const ids = Array.from({ length: 5 }, () => randomUUID());
    const sessionId = randomUUID();
    // The change itself commits although NATS is down; the relay failure is not the caller's error.
    await outbox.transaction(async (tx, out) => {
      await tx.$executeRaw`SELECT 1`;
      for (const id of ids) await out.event(Events.SessionStatusChanged, statusChanged(sessionId), id);
    });
    expect(await outbox.pending()).toBe(5);
    const [failed] = await prisma.$queryRaw<[{ attempts: number; last_error: string | null }]>`
      SELECT attempts, last_error FROM session_outbox WHERE id = ${ids[0]}`;
    expect(failed!.attempts).toBe(1);
    expect(failed!.last_error).toBeTruthy();
    // A sweep during the outage relays nothing and loses nothing.
    expect(await outbox.sweep()).toBe(0);
    expect(await outbox.pending()).toBe(5);
    expect(ids.some((id) => delivered.has(id))).toBe(false);

    await natsProxy.up();
    outbox.start();
    opened.push({ close: () => outbox.stop() });
    await until(async () => (await outbox.pending()) === 0, 30_000, 'the sweeper to drain the outbox');
    await outbox.stop();
    await expectDeliveredOnce(ids);
  }, 60_000);

  it('sweeps entries a crashed process committed but never relayed, with a new Outbox', async () => {
    const crashed = outboxOf(bus, queues);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const sessionId = randomUUID();
    const jobId = `outbox-crash-${sessionId}`;
    // The commit happens; the relay never runs (the process "dies" right after the commit).
    await prisma.$transaction(async (tx) => {
      const out = crashed.writer(tx, { correlationId: 'crash-test' });
      for (const id of ids) await out.event(Events.SessionStatusChanged, statusChanged(sessionId), id);
      await out.job(Queues.Evaluation, Jobs.EvaluateSession, { sessionId }, { jobId, attempts: 1 });
    });
    expect(await crashed.pending()).toBe(4);

    // The restarted service: its own connections, its own Outbox, whose sweeper finds the entries.
    const freshBus = await Bus.connect({ url: infra.natsUrl, namespace: platform.namespace, service: 'outbox-restarted', logger: quiet });
    const freshQueues = new JobQueues(infra.redisUrl, platform.namespace, quiet);
    opened.push({ close: () => freshBus.close(0) }, { close: () => freshQueues.close() });
    const restarted = outboxOf(freshBus, freshQueues);
    restarted.start();
    opened.push({ close: () => restarted.stop() });
    await until(async () => (await restarted.pending()) === 0, 20_000, 'the new sweeper to drain the outbox');
    await restarted.stop();
    await expectDeliveredOnce(ids);
    const job = await freshQueues.queue(Queues.Evaluation).getJob(jobId);
    expect(job?.data).toEqual({ sessionId });
    expect(await freshQueues.queue(Queues.Evaluation).getJobCounts('waiting')).toMatchObject({ waiting: 1 });
  });

  it('publishes an entry relayed twice (fast path and sweeper racing) once, and adds its job once', async () => {
    const outbox = outboxOf(bus, queues);
    const id = randomUUID();
    const sessionId = randomUUID();
    const jobId = `outbox-twice-${sessionId}`;
    let writer!: ReturnType<Outbox['writer']>;
    await prisma.$transaction(async (tx) => {
      writer = outbox.writer(tx);
      await writer.event(Events.SessionStatusChanged, statusChanged(sessionId), id);
      await writer.job(Queues.Evaluation, Jobs.EvaluateSession, { sessionId }, { jobId, attempts: 1 });
      // The same announcement written twice (a retried handler) stays one entry.
      await writer.event(Events.SessionStatusChanged, statusChanged(sessionId), id);
    });
    expect(await outbox.pending()).toBe(2);
    await Promise.all([outbox.relayCommitted(writer), outbox.relayCommitted(writer), outbox.sweep()]);
    expect(await outbox.pending()).toBe(0);
    await expectDeliveredOnce([id]);
    const waiting = await queues.queue(Queues.Evaluation).getWaiting();
    expect(waiting.filter((j) => j.id === jobId)).toHaveLength(1);
  });

  it('keeps a job entry while Redis is down and adds the job once Redis is back', async () => {
    const outbox = outboxOf(bus, queues);
    const sessionId = randomUUID();
    const jobId = `outbox-redis-${sessionId}`;
    let writer!: ReturnType<Outbox['writer']>;
    await prisma.$transaction(async (tx) => {
      writer = outbox.writer(tx);
      await writer.job(Queues.Evaluation, Jobs.EvaluateSession, { sessionId }, { jobId, attempts: 1 });
    });
    await redisProxy.down();
    // The queue connection waits for Redis rather than failing; the entry stays until the add is confirmed.
    const relay = outbox.relayCommitted(writer);
    await sleep(1500);
    expect(await outbox.pending()).toBe(1);
    await redisProxy.up();
    await relay;
    await until(async () => (await outbox.pending()) === 0, 20_000, 'the job relay');
    expect((await queues.queue(Queues.Evaluation).getJob(jobId))?.data).toEqual({ sessionId });
  });

  it('relays in order and resumes at the first entry that failed', async () => {
    const outbox = outboxOf(bus, queues);
    const ids = Array.from({ length: 4 }, () => randomUUID());
    await natsProxy.down();
    await outbox.transaction(async (_tx, out) => {
      for (const id of ids) await out.event(Events.SessionStatusChanged, statusChanged(), id);
    });
    // Only the first entry was tried: the relay stops at the first failure.
    const tried = await prisma.$queryRaw<Array<{ id: string; attempts: number }>>`
      SELECT id, attempts FROM session_outbox WHERE id = ANY(${ids}::text[]) ORDER BY seq`;
    expect(tried.map((r) => r.attempts)).toEqual([1, 0, 0, 0]);
    await natsProxy.up();
    await until(async () => (await outbox.sweep().catch(() => 0), (await outbox.pending()) === 0), 30_000, 'the sweep');
    await expectDeliveredOnce(ids);
  }, 60_000);
});
