/**
 * scripts/replay-deadletters.ts (the runbook's "Replaying dead letters") against the real bus and NATS: a consumer
 * whose handler keeps failing dead-letters an event, a malformed event is dead-lettered at once, the script lists
 * both, and replaying one after the "fix" delivers it again to the consumer and removes the letter.
 */
import { Bus } from '@parley/bus';
import { Events, Streams } from '@parley/contracts';
import { cleanupNamespace, sleep, testInfra } from '@parley/testing';
import { connect } from '@nats-io/transport-node';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const SCRIPT = join(ROOT, 'scripts/dist/replay-deadletters.js'); // built by `npm test` (tsc -b)
const infra = testInfra();

interface Letter {
  seq: number;
  durable: string;
  reason: string;
  subject: string | null;
  origin: string | null;
  correlationId: string | null;
  replayed?: boolean;
}

describe('scripts/replay-deadletters', () => {
  const namespace = `t${randomBytes(4).toString('hex')}`;
  const consumer = { durable: 'replay-test', stream: Streams.Session, events: [Events.SessionDeleted] };
  const durable = `replay-test_${Events.SessionDeleted.replace(/[.]/g, '-')}`;
  let bus: Bus;
  let broken = true;
  const handled: { sessionId: string; deliveryCount: number; correlationId: string }[] = [];
  const attempts: string[] = [];

  const run = (...args: string[]) => {
    const res = spawnSync(process.execPath, [SCRIPT, ...args], {
      encoding: 'utf8',
      env: { ...process.env, NATS_URL: infra.natsUrl, PARLEY_NAMESPACE: namespace },
    });
    return { status: res.status, stderr: res.stderr, stdout: res.stdout };
  };
  const letters = (...args: string[]): Letter[] => {
    const res = run('--json', ...args);
    expect({ status: res.status, stderr: res.stderr }).toEqual({ status: 0, stderr: '' });
    return res.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Letter);
  };
  const waitFor = async <T>(what: () => T | undefined, timeoutMs = 20_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = what();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error('timed out');
      await sleep(200);
    }
  };

  beforeAll(async () => {
    bus = await Bus.connect({ url: infra.natsUrl, namespace, service: 'replay-test' });
    await bus.consume(
      consumer,
      {
        [Events.SessionDeleted]: async (payload, meta) => {
          attempts.push(payload.sessionId);
          if (broken) throw new Error('storage is down');
          handled.push({ sessionId: payload.sessionId, deliveryCount: meta.deliveryCount, correlationId: meta.correlationId });
        },
      },
      { maxDeliver: 2, ackWaitMs: 1_000 },
    );
  });

  afterAll(async () => {
    await bus.close(0);
    await cleanupNamespace(namespace);
  });

  it('lists nothing before anything failed', () => {
    expect(letters()).toEqual([]);
  });

  it('lists the dead letters of a failing handler and of a malformed event, with why and where from', async () => {
    await bus.publish(
      Events.SessionDeleted,
      { sessionId: 'dead-1', userId: 'u1', deletedAt: new Date().toISOString() },
      { messageId: 'deleted-dead-1', context: { correlationId: 'corr-dead-1' } },
    );
    // A payload that breaks the event's schema, published around the bus's own validation.
    const nc = await connect({ servers: infra.natsUrl });
    await nc.request(`${namespace}.evt.${Events.SessionDeleted}`, JSON.stringify({ sessionId: '' }));
    await nc.drain();

    const found = await waitFor(() => {
      const list = letters();
      return list.length === 2 ? list : undefined;
    });
    // The failing handler ran maxDeliver times before giving up; the malformed event never reached it.
    expect(attempts).toEqual(['dead-1', 'dead-1']);
    const failed = found.find((l) => l.reason === 'storage is down')!;
    expect(failed).toMatchObject({
      durable,
      subject: `${namespace}.evt.${Events.SessionDeleted}`,
      origin: expect.stringMatching(new RegExp(`^${namespace}_SESSION#\\d+$`)),
      correlationId: 'corr-dead-1',
    });
    expect(found.find((l) => l.reason === 'invalid payload')).toMatchObject({ durable, subject: `${namespace}.evt.${Events.SessionDeleted}` });
    expect(letters('--durable', durable)).toHaveLength(2);
    expect(letters('--durable', 'someone-else')).toEqual([]);

    const text = run();
    expect(text.stdout).toContain(`${durable} ← ${namespace}.evt.${Events.SessionDeleted}`);
    expect(text.stdout).toContain('storage is down');
    expect(text.stdout.trim().split('\n').pop()).toBe('2 dead letter(s)');
  });

  it('replays one letter to its original subject once the cause is fixed, and removes it', async () => {
    broken = false;
    const failed = letters().find((l) => l.reason === 'storage is down')!;
    const replayed = letters('--replay', '--seq', String(failed.seq));
    expect(replayed).toEqual([expect.objectContaining({ seq: failed.seq, replayed: true })]);

    const delivery = await waitFor(() => handled.find((h) => h.sessionId === 'dead-1'));
    // A new message for the consumer (first delivery), same event and correlation id.
    expect(delivery).toEqual({ sessionId: 'dead-1', deliveryCount: 1, correlationId: 'corr-dead-1' });
    expect(letters().map((l) => l.reason)).toEqual(['invalid payload']);

    // Gone: replaying it again is refused.
    const again = run('--replay', '--seq', String(failed.seq));
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`no dead letter #${failed.seq}`);
    await sleep(500);
    expect(handled).toHaveLength(1);
  });
});
