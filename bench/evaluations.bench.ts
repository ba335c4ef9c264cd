import { devToken } from '@parley/testing';
import { TimedClient, inBatches, newSession } from './clients';
import { ProcessSampler, levelFigure, ramp, recordLevel, recordProcesses, startRawServer, startTarget, type RawServer, type Target } from './harness';
import { startProviders, type Providers } from './providers';

/**
 * Session end → `evaluation_ready` at the client with the offline evaluator (target: p90 ≤ 5 s): at each level
 * that many sessions, past their opening, are stopped at once. The openings come from zero-latency providers (only
 * turn-pipeline gets them: the evaluator stays offline). Raw baseline: stop acknowledged, three JetStream hops
 * (ended → evaluator → completed → gateway), a socket.io push.
 */
describe('evaluation latency', () => {
  let providers: Providers;
  let target: Target;
  let raw: RawServer | null = null;

  beforeAll(async () => {
    providers = await startProviders('zero');
    target = await startTarget({ services: ['gateway', 'session', 'turn-pipeline', 'evaluator'], serviceEnv: { 'turn-pipeline': providers.env } });
    if (target.platform) raw = await startRawServer(target.platform.natsUrl, `${target.platform.namespace}raw`, null);
  }, 180_000);

  afterAll(async () => {
    await raw?.stop();
    await target?.stop();
    await providers?.close();
  });

  it('ramps the sessions', async () => {
    const gateway = target.gateway;
    const token = await devToken(gateway, 'bench-evaluations');

    const done = await ramp('evaluations', ['evaluation_offline', 'raw_evaluation'], 180_000, async (level) => {
      if (raw) {
        const clients = await Promise.all(Array.from({ length: level }, () => TimedClient.connect(raw!.url, null, '')));
        const samples: number[] = [];
        let missed = 0;
        await Promise.all(
          clients.map(async (client, i) => {
            const ready = client.next('evaluation_ready', (e) => e.id === String(i), 30_000);
            const stoppedAt = performance.now();
            await client.ask('stop', { id: String(i) });
            const at = await ready;
            if (at === null) missed += 1;
            else samples.push(at - stoppedAt);
          }),
        );
        for (const client of clients) client.close();
        recordLevel('raw_evaluation', { title: 'raw: stop → 3 JetStream hops → socket.io push', providers: 'raw', unit: 'ms' }, levelFigure(level, samples, missed));
      }

      let errors = 0;
      const ready: Array<{ client: TimedClient; sessionId: string }> = [];
      await inBatches(
        Array.from({ length: level }, (_, i) => i),
        20,
        async () => {
          try {
            const sessionId = await newSession(gateway, token, 'mgmt-delegate-task', 'turn');
            const client = await TimedClient.connect(gateway, token);
            const joined = await client.ask('join', { sessionId });
            if (!joined.ok) throw new Error(`join: ${JSON.stringify(joined)}`);
            if ((await client.next('ai_turn', (e) => e.turn.sequence === 0, 60_000)) === null) throw new Error('no opening');
            ready.push({ client, sessionId });
          } catch (error) {
            errors += 1;
            process.stdout.write(`[bench] evaluation setup failed: ${(error as Error).message}\n`);
          }
        },
      );
      const sampler = new ProcessSampler().start();
      const samples: number[] = [];
      await Promise.all(
        ready.map(async ({ client, sessionId }) => {
          const evaluated = client.next('evaluation_ready', (e) => e.sessionId === sessionId, 120_000);
          const stoppedAt = performance.now();
          const ack = await client.ask('stop', { sessionId }).catch(() => ({ ok: false }));
          const at = ack.ok ? await evaluated : null;
          if (at === null) errors += 1;
          else samples.push(at - stoppedAt);
          client.close();
        }),
      );
      recordProcesses('evaluations', level, sampler.stop());
      recordLevel(
        'evaluation_offline',
        { title: 'session end → evaluation_ready (offline evaluator)', providers: 'offline', unit: 'ms', baseline: raw ? 'raw_evaluation' : undefined },
        levelFigure(level, samples, errors),
      );
      return errors / level;
    });
    expect(done.length).toBeGreaterThan(0);
  }, 1_200_000);
});
