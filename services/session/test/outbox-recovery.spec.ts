import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DiscardPolicy, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Jobs, Queues, Streams } from '@parley/contracts';
import { createPrismaClient, type PrismaClient } from '@parley/db';
import { JobQueues } from '@parley/queue';
import { TestPlatform, api, devToken, sleep } from '@parley/testing';
import { createSession, spokenMp3 } from '../../gateway/test/practice-client';

const SCENARIO = 'support-double-charge';
const quiet = { info() {}, warn() {}, error() {} };

/**
 * Issue 8 item 1 on the real platform: a session whose announcements could not be published when it was created
 * (JetStream refusing the session stream's publishes while commands still work, then a crash of the session service
 * before it could retry) still gets its opening turn and its timers once publishing works again.
 */
describe('session outbox recovery', () => {
  let platform: TestPlatform;
  let gateway: string;
  let token: string;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let prisma: PrismaClient;
  let queues: JobQueues;

  beforeAll(async () => {
    platform = await TestPlatform.start({
      services: ['gateway', 'session', 'turn-pipeline', 'asr'],
      env: { QUEUE_STALLED_INTERVAL_MS: '2000', RECONCILE_INTERVAL_MS: '1000' },
    });
    gateway = platform.url('gateway');
    token = await devToken(gateway, 'trainee-outbox');
    nc = await connect({ servers: platform.natsUrl });
    jsm = await jetstreamManager(nc);
    prisma = createPrismaClient(platform.databaseUrl);
    queues = new JobQueues(platform.redisUrl, platform.namespace, quiet);
  }, 120_000);

  afterAll(async () => {
    await queues?.close();
    await prisma?.$disconnect();
    await nc?.close();
    await platform?.stop();
  });

  const stream = () => `${platform.namespace}_${Streams.Session.name}`;

  /** JetStream refuses every further publish to the session stream (a full stream with discard=new). */
  async function refusePublishes(): Promise<void> {
    const info = await jsm.streams.info(stream());
    await jsm.streams.update(stream(), { ...info.config, max_msgs: Math.max(1, info.state.messages), discard: DiscardPolicy.New });
  }

  async function acceptPublishes(): Promise<void> {
    const info = await jsm.streams.info(stream());
    await jsm.streams.update(stream(), { ...info.config, max_msgs: -1, discard: DiscardPolicy.Old });
  }

  async function until<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(200);
    }
  }

  const outboxEntries = async (sessionId: string) =>
    prisma.$queryRaw<Array<{ id: string; kind: string; attempts: number }>>`
      SELECT id, kind, attempts FROM session_outbox WHERE payload->>'sessionId' = ${sessionId} ORDER BY seq`;

  async function timerJobs(sessionId: string): Promise<string[]> {
    const delayed = await queues.queue(Queues.SessionTimers).getDelayed();
    return delayed.filter((job) => job.data.sessionId === sessionId).map((job) => job.name).sort();
  }

  async function openingTurn(sessionId: string) {
    const state = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
    return state.body.turns.find((t: { sequence: number; speaker: string }) => t.sequence === 0 && t.speaker === 'ai');
  }

  afterEach(() => acceptPublishes());

  it('publishes what failed after the commit once JetStream accepts again: opening turn and timers arrive', async () => {
    await refusePublishes();
    const created = await createSession(gateway, token, SCENARIO);
    expect(created.status).toBe(201);
    const sessionId = created.body.session.id;
    expect((await prisma.practiceSession.findUniqueOrThrow({ where: { id: sessionId } })).status).toBe('active');
    // Committed with the session, not relayed: the events and (behind them, in order) the timers wait in the outbox.
    const waiting = await outboxEntries(sessionId);
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.some((e) => e.kind === 'event' && e.attempts > 0)).toBe(true);
    await sleep(3000);
    expect(await openingTurn(sessionId)).toBeUndefined();
    expect((await outboxEntries(sessionId)).length).toBe(waiting.length);

    await acceptPublishes();
    const opening = await until(() => openingTurn(sessionId), 30_000, 'the opening turn');
    expect(opening.text).toBeTruthy();
    expect(await until(async () => (await timerJobs(sessionId)).length === 2 && timerJobs(sessionId), 10_000, 'the timers')).toEqual(
      [Jobs.IdleTimeout, Jobs.MaxDuration].sort(),
    );
    await until(async () => (await outboxEntries(sessionId)).length === 0, 10_000, 'an empty outbox');
    // Exactly one opening turn, however often the entries were tried.
    expect(await prisma.turn.count({ where: { sessionId } })).toBe(1);
  }, 60_000);

  it('a session service killed between commit and publish: the restarted one sweeps the entries', async () => {
    await refusePublishes();
    const created = await createSession(gateway, token, SCENARIO);
    expect(created.status).toBe(201);
    const sessionId = created.body.session.id;
    expect((await outboxEntries(sessionId)).length).toBeGreaterThan(0);
    await platform.stopService('session', 'SIGKILL');
    await acceptPublishes();
    await sleep(1500);
    // Nobody relays while the service is down.
    expect(await openingTurn(sessionId).catch(() => undefined)).toBeUndefined();
    await platform.startService('session');
    const opening = await until(() => openingTurn(sessionId), 30_000, 'the opening turn after the restart');
    expect(opening.speaker).toBe('ai');
    await until(async () => (await timerJobs(sessionId)).length === 2, 10_000, 'the timers after the restart');
    expect(await prisma.turn.count({ where: { sessionId } })).toBe(1);
  }, 90_000);

  it("refuses a trainee turn on the AI's sequence with 409 (wait for the AI), storing nothing and leaking no audio", async () => {
    const sessionId = (await createSession(gateway, token, SCENARIO)).body.session.id;
    await until(() => openingTurn(sessionId), 30_000, 'the opening turn');
    const audio = await spokenMp3('Could you please verify the email on your account');
    const send = (sequence: number) => {
      const form = new FormData();
      form.append('sequence', String(sequence));
      form.append('startedAt', new Date(Date.now() - 3000).toISOString());
      form.append('endedAt', new Date().toISOString());
      form.append('audio', new Blob([new Uint8Array(audio)], { type: 'audio/mpeg' }), 'turn.mp3');
      return api(gateway, 'POST', `/api/sessions/${sessionId}/turns`, { token, body: form });
    };
    expect((await send(1)).status).toBe(201);
    // Right after turn 1, before the AI replied: turn 2 is the AI's, turn 3 is not due yet.
    for (const sequence of [2, 3]) {
      const refused = await send(sequence);
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'sequence_conflict' });
      expect(refused.body.error.message).toMatch(/wait for the AI/);
    }
    const rows = await prisma.turn.findMany({ where: { sessionId }, orderBy: { sequence: 'asc' } });
    expect(rows.filter((r) => r.speaker === 'trainee').map((r) => r.sequence)).toEqual([1]);
    // The AI's reply still arrives as turn 2.
    await until(async () => (await prisma.turn.findFirst({ where: { sessionId, sequence: 2, speaker: 'ai' } })) ?? false, 30_000, 'the AI reply');
    const s3 = new S3Client({
      endpoint: platform.s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: platform.s3.bucket, Prefix: '' }));
    s3.destroy();
    const objects = (listed.Contents ?? []).map((o) => o.Key!).filter((k) => k.includes(sessionId));
    const keys = (await prisma.turn.findMany({ where: { sessionId } })).map((t) => t.audioKey);
    expect(objects.sort()).toEqual(keys.filter(Boolean).sort());
  }, 60_000);
});
