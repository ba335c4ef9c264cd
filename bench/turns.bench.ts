import { devToken } from '@parley/testing';
import { spokenMp3 } from '../services/gateway/test/practice-client';
import { TimedClient, benchScenario, inBatches, newSession } from './clients';
import { EXTERNAL_URL, ProcessSampler, levelFigure, ramp, recordLevel, recordProcesses, sleep, startRawServer, startTarget, type RawServer, type Target } from './harness';
import { FIXED_LATENCY_MS, startProviders, type ProviderMode, type Providers } from './providers';

const MODES = (EXTERNAL_URL ? ['external'] : (process.env.BENCH_TURN_MODES ?? 'zero,fixed,offline').split(',').filter(Boolean)) as ProviderMode[];
/** How long each level runs its sessions' turns (the raw baseline runs as long). */
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 10_000);
/** Time for each mode's ramp: the zero-latency one carries the targets (ack at 100 sessions, overhead ratio). */
const BUDGET_MS: Record<ProviderMode, number> = { zero: 300_000, fixed: 100_000, offline: 100_000, external: 300_000 };
/** Between a pushed `ai_turn` and the trainee's next turn: the AI's audio playing and the trainee speaking (±50 %). */
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 4_000);
const REPLY_TIMEOUT_MS = 20_000;

interface Counters {
  acks: number[];
  replies: number[];
  errors: number;
  codes: Record<string, number>;
}
const counters = (): Counters => ({ acks: [], replies: [], errors: 0, codes: {} });

/**
 * Turn mode at 10 → 200 concurrent sessions, each trainee speaking, waiting for the AI's reply, listening and
 * speaking again (THINK_MS): turn acknowledgement and trainee turn → `ai_turn`, under zero-latency providers
 * (Parley's own cost), fixed-latency providers (the difference is the providers') and the offline providers; each
 * level beside the raw baseline at the same concurrency: socket.io with the same MP3, a NATS request/reply before
 * the ack, then four JetStream hops and the same provider requests before the push (Parley's path: gateway → session
 * command, then accepted → asr → transcribed → pipeline → recorded → gateway).
 */
describe.each(MODES)('turns with %s providers', (mode) => {
  let providers: Providers;
  let target: Target;
  let raw: RawServer | null = null;

  beforeAll(async () => {
    providers = await startProviders(mode);
    target = await startTarget({ services: ['gateway', 'session', 'turn-pipeline', 'asr'], env: providers.env });
    if (target.platform) raw = await startRawServer(target.platform.natsUrl, `${target.platform.namespace}raw`, providers.fake?.url ?? null);
  }, 180_000);

  afterAll(async () => {
    await raw?.stop();
    await target?.stop();
    await providers?.close();
  });

  it('ramps the sessions', async () => {
    const gateway = target.gateway;
    const token = await devToken(gateway, `bench-turns-${mode}`);
    const scenarioId = await benchScenario(gateway);
    // Words no script route listens for: every offline reply is a fallback line, so no conversation ends early.
    const audio = await spokenMp3('The weather was lovely this morning near the river');
    const sessions: Array<{ client: TimedClient; sessionId: string; next: number; broken: boolean }> = [];
    const rawClients: TimedClient[] = [];
    const ids = { ack: `turn_ack_${mode}`, reply: `turn_reply_${mode}`, rawAck: `raw_turn_ack_${mode}`, rawReply: `raw_turn_reply_${mode}` };
    const providersNote = { offline: 'offline providers', zero: 'zero-latency providers', fixed: `providers at ${FIXED_LATENCY_MS} ms per request`, external: "the deployment's providers" }[mode];

    const done = await ramp(`turns/${mode}`, Object.values(ids), BUDGET_MS[mode], async (level) => {
      // New sessions for this level, each past its opening (creation and openings are not measured here).
      let setupErrors = 0;
      const adding = Array.from({ length: level - sessions.length }, (_, i) => i);
      await inBatches(adding, 20, async () => {
        try {
          const sessionId = await newSession(gateway, token, scenarioId, 'turn');
          const client = await TimedClient.connect(gateway, token);
          const joined = await client.ask('join', { sessionId });
          if (!joined.ok) throw new Error(`join: ${JSON.stringify(joined)}`);
          if ((await client.next('ai_turn', (e) => e.turn.sequence === 0, 60_000)) === null) throw new Error('no opening');
          sessions.push({ client, sessionId, next: 1, broken: false });
        } catch (error) {
          setupErrors += 1;
          process.stdout.write(`[bench] session setup failed: ${(error as Error).message}\n`);
        }
      });

      // The raw baseline at the same concurrency, the same payload and pacing.
      if (raw) {
        while (rawClients.length < level) rawClients.push(await TimedClient.connect(raw.url, null, ''));
        const r = counters();
        const until = performance.now() + WINDOW_MS;
        let id = 0;
        await Promise.all(
          rawClients.slice(0, level).map(async (client) => {
            await sleep(Math.random() * THINK_MS);
            while (performance.now() < until) {
              const turn = `${level}-${id++}`;
              const sentAt = performance.now();
              const replied = client.next('ai_turn', (e) => e.id === turn, REPLY_TIMEOUT_MS);
              await client.ask('turn', { id: turn, audio }, REPLY_TIMEOUT_MS);
              r.acks.push(performance.now() - sentAt);
              const at = await replied;
              if (at === null) r.errors += 1;
              else r.replies.push(at - sentAt);
              await sleep(THINK_MS * (0.5 + Math.random()));
            }
          }),
        );
        recordLevel(ids.rawAck, { title: 'raw: socket.io + NATS request/reply, same MP3', providers: 'raw', unit: 'ms' }, levelFigure(level, r.acks, 0));
        recordLevel(
          ids.rawReply,
          { title: `raw: socket.io + NATS + 4 JetStream hops + provider calls (${providersNote})`, providers: 'raw', unit: 'ms' },
          levelFigure(level, r.replies, r.errors),
        );
      }

      const c = counters();
      const sampler = new ProcessSampler().start();
      const until = performance.now() + WINDOW_MS;
      await Promise.all(
        sessions
          .filter((s) => !s.broken)
          .map(async (s) => {
            await sleep(Math.random() * THINK_MS); // trainees do not all speak at once
            while (performance.now() < until) {
              const sequence = s.next;
              const sentAt = performance.now();
              const replied = s.client.next('ai_turn', (e) => e.turn.sequence === sequence + 1, REPLY_TIMEOUT_MS);
              let ack: any;
              try {
                ack = await s.client.ask(
                  'trainee_turn',
                  { sessionId: s.sessionId, sequence, startedAt: new Date(Date.now() - 3000).toISOString(), endedAt: new Date().toISOString(), audio },
                  REPLY_TIMEOUT_MS,
                );
              } catch {
                ack = { ok: false, error: { code: 'ack_timeout' } };
              }
              if (!ack.ok) {
                c.errors += 1;
                c.codes[ack.error?.code ?? 'unknown'] = (c.codes[ack.error?.code ?? 'unknown'] ?? 0) + 1;
                s.broken = true;
                return;
              }
              c.acks.push(performance.now() - sentAt);
              const at = await replied;
              if (at === null) {
                c.errors += 1;
                c.codes.reply_timeout = (c.codes.reply_timeout ?? 0) + 1;
                s.broken = true;
                return;
              }
              c.replies.push(at - sentAt);
              s.next += 2;
              await sleep(THINK_MS * (0.5 + Math.random()));
            }
          }),
      );
      recordProcesses(`turns_${mode}`, level, sampler.stop());
      const errors = c.errors + setupErrors;
      if (Object.keys(c.codes).length) process.stdout.write(`[bench] turns/${mode} @${level} errors: ${JSON.stringify(c.codes)}\n`);
      recordLevel(ids.ack, { title: `turn acknowledgement (${providersNote})`, providers: mode, unit: 'ms', baseline: raw ? ids.rawAck : undefined }, levelFigure(level, c.acks, errors));
      recordLevel(
        ids.reply,
        { title: `trainee turn → ai_turn (${providersNote})`, providers: mode, unit: 'ms', baseline: raw ? ids.rawReply : undefined },
        levelFigure(level, c.replies, errors),
      );
      const attempts = c.acks.length + errors;
      return attempts ? errors / attempts : 1;
    });
    for (const s of sessions) s.client.close();
    for (const client of rawClients) client.close();
    expect(done.length).toBeGreaterThan(0);
  }, 1_200_000);
});
