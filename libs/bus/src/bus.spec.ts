import { AppError, Commands, Events } from '@parley/contracts';
import { cleanupNamespace, sleep, testInfra } from '@parley/testing';
import IORedis from 'ioredis';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Bus } from './bus';

const infra = testInfra();

interface Fixture {
  child: ChildProcess;
  lines: string[];
  waitFor(predicate: (line: string) => boolean, timeoutMs?: number): Promise<string>;
}

function startConsumer(mode: 'hang' | 'process', namespace: string): Fixture {
  const child = spawn(process.execPath, [join(__dirname, '../test/consumer.fixture.js'), mode, namespace, infra.natsUrl, infra.redisUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    waiters.splice(0).forEach((wake) => wake());
  });
  return {
    child,
    lines,
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`timed out; output so far: ${lines.join(' | ')}`);
        await new Promise<void>((wake) => {
          waiters.push(wake);
          setTimeout(wake, 200);
        });
      }
    },
  };
}

describe('bus', () => {
  const namespace = `t${randomBytes(4).toString('hex')}`;
  let bus: Bus;
  let redis: IORedis;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    bus = await Bus.connect({ url: infra.natsUrl, namespace, service: 'bus-test', requestTimeoutMs: 500 });
    redis = new IORedis(infra.redisUrl);
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await bus.close(0);
    redis.disconnect();
    await cleanupNamespace(namespace);
  });

  it('answers commands, carrying AppErrors across and timing out when nobody answers', async () => {
    bus.serve({
      [Commands.SkillList]: async (payload) => ({ echo: payload }),
      [Commands.TemplateList]: async () => {
        throw new AppError('not_found', 'nothing here');
      },
    });
    await expect(bus.request(Commands.SkillList, { caller: { userId: 'u1', roles: ['trainee'] } })).resolves.toEqual({
      echo: { caller: { userId: 'u1', roles: ['trainee'] } },
    });
    // A request that breaks its command's schema never reaches the handler.
    await expect(bus.request(Commands.SkillList, { caller: { userId: 42 } })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(bus.request(Commands.TemplateList, { caller: { userId: 'u1', roles: ['trainee'] } })).rejects.toMatchObject({
      code: 'not_found',
      status: 404,
    });
    await expect(bus.request(Commands.ScenarioGet, {})).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('tells a slow service, an oversized request and an unserialisable one apart', async () => {
    bus.serve({ [Commands.Progress]: () => new Promise((resolve) => setTimeout(() => resolve({}), 2_000)) });
    const caller = { userId: 'u1', roles: ['trainee'] };
    await expect(bus.request(Commands.Progress, { caller })).rejects.toMatchObject({ code: 'timeout', status: 504 });
    // Over NATS's max_payload (1 MB by default): refused before sending, not mistaken for a timeout.
    await expect(bus.request(Commands.Progress, { caller, filler: 'x'.repeat(2 * 1024 * 1024) })).rejects.toMatchObject({
      code: 'payload_too_large',
      status: 413,
    });
    await expect(bus.request(Commands.Progress, { caller, count: 1n })).rejects.toMatchObject({ code: 'internal', status: 500 });
  });

  it('delivers signals in the order given, across tasks, including those sent just before it closes', async () => {
    const sender = await Bus.connect({ url: infra.natsUrl, namespace, service: 'bus-test-sender' });
    const heard: string[] = [];
    const offBytes = bus.onSignalBytes('test.frames', (data) => heard.push(`b${data[0]}`));
    const offJson = bus.onSignal('test.pushes', (payload) => heard.push(`j${(payload as { n: number }).n}`));
    await sleep(100); // the subscriptions reach the server
    const sent: string[] = [];
    for (let n = 0; n < 200; n++) {
      if (n % 3 === 0) {
        sender.signal('test.pushes', { n });
        sent.push(`j${n}`);
      } else {
        sender.signalBytes('test.frames', Uint8Array.of(n));
        sent.push(`b${n}`);
      }
      if (n % 50 === 49) await new Promise((next) => setImmediate(next));
    }
    await sender.close(0);
    for (const deadline = Date.now() + 5_000; heard.length < sent.length && Date.now() < deadline; ) await sleep(20);
    offBytes();
    offJson();
    expect(heard).toEqual(sent);
  });

  it('refuses to publish an event whose payload breaks its schema', async () => {
    await expect(
      bus.publish(Events.SessionDeleted, { sessionId: '', userId: 'u', deletedAt: 'never' } as never, { messageId: 'bad' }),
    ).rejects.toThrow();
  });

  it('delivers an event to another process, redelivers it after that consumer dies unacknowledged, and the effect happens once', async () => {
    const first = startConsumer('hang', namespace);
    children.push(first.child);
    await first.waitFor((l) => l === 'ready');

    await bus.publish(Events.SessionDeleted, { sessionId: 'kill-test', userId: 'u1', deletedAt: new Date().toISOString() }, { messageId: 'deleted-kill-test-1' });
    // A second publish with the same message id is deduplicated by JetStream.
    await bus.publish(Events.SessionDeleted, { sessionId: 'kill-test', userId: 'u1', deletedAt: new Date().toISOString() }, { messageId: 'deleted-kill-test-1' });
    const received = JSON.parse(await first.waitFor((l) => l.includes('kill-test')));
    expect(received.deliveryCount).toBe(1);
    first.child.kill('SIGKILL');

    const second = startConsumer('process', namespace);
    children.push(second.child);
    const redelivered = JSON.parse(await second.waitFor((l) => l.includes('kill-test')));
    expect(redelivered.deliveryCount).toBeGreaterThanOrEqual(2);

    await sleep(1500);
    expect(Number(await redis.get(`${namespace}:effects`))).toBe(1);
    expect(second.lines.filter((l) => l.includes('kill-test'))).toHaveLength(1);
  });

  it('loses only the signal NATS refuses, never the others sent with it or the process', async () => {
    const heard: number[] = [];
    const off = bus.onSignal('test.survivors', (payload) => heard.push((payload as { n: number }).n));
    await sleep(100);
    bus.signal('test.survivors', { n: 1 });
    bus.signal('test.not a subject', { n: 2 }); // whitespace: refused by nats.js when the batch is published
    bus.signal('test.survivors', { n: 3 });
    for (const deadline = Date.now() + 5_000; heard.length < 2 && Date.now() < deadline; ) await sleep(20);
    off();
    expect(heard).toEqual([1, 3]);
  });
});
