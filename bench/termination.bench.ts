import { api, devToken } from '@parley/testing';
import { TimedClient, benchScenario, inBatches, newSession } from './clients';
import { ProcessSampler, levelFigure, ramp, recordLevel, recordProcesses, startRawServer, startTarget, type RawServer, type Target } from './harness';
import { startProviders, type Providers } from './providers';

/**
 * Termination lag (SPEC §4.8: the session ends within 250 ms of its idle deadline): at each level that many
 * sessions go quiet after their opening, and each `termination` push is timed against the deadline the server
 * announced once the opening was recorded (`deadlines.idleAt`; same machine, same clock). The idle timeout grows with the level so that every
 * session of a level is set up before the first deadline: the deadlines then fall together. Zero-latency providers
 * (the openings are not what is measured). Raw baseline: a timer in a bare process, two JetStream hops (the timer's
 * job → session ended → gateway), then a socket.io push.
 */
describe('termination lag', () => {
  let providers: Providers;
  let target: Target;
  let raw: RawServer | null = null;

  beforeAll(async () => {
    providers = await startProviders('zero');
    target = await startTarget({ services: ['gateway', 'session', 'turn-pipeline'], env: providers.env });
    if (target.platform) raw = await startRawServer(target.platform.natsUrl, `${target.platform.namespace}raw`, null);
  }, 180_000);

  afterAll(async () => {
    await raw?.stop();
    await target?.stop();
    await providers?.close();
  });

  it('ramps the sessions', async () => {
    const gateway = target.gateway;
    const token = await devToken(gateway, 'bench-termination');
    const scenarios = new Map<number, string>();

    const done = await ramp('termination', ['termination_lag', 'raw_termination_lag'], 180_000, async (level) => {
      // Long enough for every opening of the level to be spoken first (20 at once take seconds on 2 cores).
      const idleSec = Math.max(15, Math.ceil(level / 4));
      if (!scenarios.has(idleSec)) scenarios.set(idleSec, await benchScenario(gateway, { maxTurns: 200, maxDurationSec: 3600, idleTimeoutSec: idleSec }));
      const scenarioId = scenarios.get(idleSec)!;

      if (raw) {
        const clients = await Promise.all(Array.from({ length: level }, () => TimedClient.connect(raw!.url, null, '')));
        const lags: number[] = [];
        let missed = 0;
        await Promise.all(
          clients.map(async (client, i) => {
            const delayMs = 2_000 + Math.random() * 500;
            const deadline = performance.now() + delayMs;
            const fired = client.next('termination', (e) => e.id === String(i), delayMs + 10_000);
            client.socket.emit('arm', { id: String(i), delayMs });
            const at = await fired;
            if (at === null) missed += 1;
            else lags.push(at - deadline);
          }),
        );
        for (const client of clients) client.close();
        recordLevel('raw_termination_lag', { title: 'raw: timer → 2 JetStream hops → socket.io push', providers: 'raw', unit: 'ms' }, levelFigure(level, lags, missed));
      }

      let errors = 0;
      const sampler = new ProcessSampler().start();
      const lags: number[] = [];
      const clients: TimedClient[] = [];
      const waits: Array<Promise<void>> = [];
      await inBatches(
        Array.from({ length: level }, (_, i) => i),
        20,
        async () => {
          try {
            const sessionId = await newSession(gateway, token, scenarioId, 'turn');
            const client = await TimedClient.connect(gateway, token);
            clients.push(client);
            const ended = client.next('termination', (e) => e.sessionId === sessionId, (idleSec + 60) * 1000);
            const joined = await client.ask('join', { sessionId });
            if (!joined.ok) throw new Error(`join: ${JSON.stringify(joined)}`);
            // The idle clock restarts once the AI has spoken: the deadline that counts is the one after the opening.
            if ((await client.next('ai_turn', (e) => e.turn.sequence === 0, 60_000)) === null) throw new Error('no opening');
            const state = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
            const idleAt: string | undefined = state.body.session?.deadlines?.idleAt;
            if (!idleAt) throw new Error(`no idle deadline: ${JSON.stringify(state.body.session?.deadlines)}`);
            waits.push(
              ended.then((at) => {
                if (at === null) errors += 1;
                else lags.push(performance.timeOrigin + at - Date.parse(idleAt));
              }),
            );
          } catch (error) {
            errors += 1;
            process.stdout.write(`[bench] termination setup failed: ${(error as Error).message}\n`);
          }
        },
      );
      await Promise.all(waits);
      recordProcesses('termination', level, sampler.stop());
      for (const client of clients) client.close();
      recordLevel(
        'termination_lag',
        { title: 'termination push after the idle deadline', providers: 'zero', unit: 'ms', baseline: raw ? 'raw_termination_lag' : undefined },
        levelFigure(level, lags, errors),
      );
      return errors / level;
    });
    expect(done.length).toBeGreaterThan(0);
  }, 1_200_000);
});
