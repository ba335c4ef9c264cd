import { api, devToken, sleep } from '@parley/testing';
import { readSse } from '../services/gateway/test/sse-client';
import { inBatches, newSession } from './clients';
import { EXTERNAL_URL, ProcessSampler, levelFigure, ramp, recordLevel, recordProcesses, startRawServer, startTarget, type RawServer, type Target } from './harness';
import { startProviders, type Providers } from './providers';

const TOKENS_PER_STREAM = Number(process.env.BENCH_SSE_TOKENS ?? 60);
/** The model's token rate: one token every 20 ms (50 tokens/s), like a fast hosted model. */
const TOKEN_INTERVAL_MS = 20;

/**
 * SSE per-token overhead (target p99 ≤ 5 ms): an OpenAI-wire-format server streams tokens stamped with their send
 * time; at each level that many text sessions stream a reply at once, and each token's latency to the trainee's
 * SSE reader (turn-pipeline → Redis stream → gateway) is compared with the same server's stream read directly at the
 * same concurrency (overhead = latency − the direct p50). Raw baseline: a bare relay process that re-emits each
 * token as an SSE event.
 */
// The model must be the stamping server started here: not measurable against a deployment given by BENCH_URL.
(EXTERNAL_URL ? describe.skip : describe)('SSE per-token overhead', () => {
  let providers: Providers;
  let target: Target;
  let raw: RawServer | null = null;

  beforeAll(async () => {
    providers = await startProviders('zero');
    providers.fake!.setBehaviour('chat', { stampTokens: { tokens: TOKENS_PER_STREAM }, chunkDelayMs: TOKEN_INTERVAL_MS });
    target = await startTarget({ services: ['gateway', 'session', 'turn-pipeline'], env: providers.env });
    if (target.platform) raw = await startRawServer(target.platform.natsUrl, `${target.platform.namespace}raw`, providers.fake!.url);
  }, 180_000);

  afterAll(async () => {
    await raw?.stop();
    await target?.stop();
    await providers?.close();
  });

  it('ramps the streams', async () => {
    const gateway = target.gateway;
    const fakeUrl = providers.fake!.url;
    const token = await devToken(gateway, 'bench-sse');
    const sessions: string[] = [];
    const ids = ['sse_token_overhead', 'sse_token_parley', 'raw_sse_relay', 'raw_sse_relay_overhead', 'sse_token_direct'];

    const done = await ramp('sse', ids, 120_000, async (level) => {
      let errors = 0;
      await inBatches(
        Array.from({ length: level - sessions.length }, (_, i) => i),
        20,
        async () => {
          try {
            const sessionId = await newSession(gateway, token, 'support-double-charge', 'text');
            for (let i = 0; i < 400; i++) {
              const state = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
              if (state.body.turns?.length) return void sessions.push(sessionId);
              await sleep(50);
            }
            throw new Error('no opening');
          } catch (error) {
            errors += 1;
            process.stdout.write(`[bench] text session setup failed: ${(error as Error).message}\n`);
          }
        },
      );
      await sleep(1_000);

      const direct = (await Promise.all(Array.from({ length: level }, () => readModelStream(fakeUrl)))).flat();
      const directP50 = levelFigure(level, direct, 0, 2).p50 ?? 0;
      recordLevel('sse_token_direct', { title: "raw: the model server's stream read directly (token latency)", providers: 'raw', unit: 'ms' }, levelFigure(level, direct, 0, 2));

      if (raw) {
        const relayed = (
          await Promise.all(
            Array.from({ length: level }, async () => {
              const latencies: number[] = [];
              await readSse(`${raw!.url}/relay`, { method: 'POST', token: 'none', body: {} }, (event) => {
                if (event.event === 'token') latencies.push(now() - Number(event.data.delta));
                return false;
              });
              return latencies;
            }),
          )
        ).flat();
        recordLevel('raw_sse_relay', { title: 'raw: bare SSE relay (token latency)', providers: 'raw', unit: 'ms' }, levelFigure(level, relayed, 0, 2));
        recordLevel(
          'raw_sse_relay_overhead',
          { title: 'raw: bare SSE relay per-token overhead', providers: 'raw', unit: 'ms' },
          levelFigure(level, relayed.map((v) => v - directP50), 0, 2),
        );
      }

      const sampler = new ProcessSampler().start();
      const expected = Math.min(level, sessions.length) * TOKENS_PER_STREAM;
      const parley = (
        await Promise.all(
          sessions.slice(0, level).map(async (sessionId) => {
            const latencies: number[] = [];
            try {
              await readSse(`${gateway}/api/chat/streaming`, { method: 'POST', token, body: { sessionId, message: 'Tell me more.' } }, (event) => {
                if (event.event === 'token') latencies.push(now() - Number(event.data.delta));
                return false;
              });
            } catch {
              // counted as missing tokens
            }
            return latencies;
          }),
        )
      ).flat();
      recordProcesses('sse', level, sampler.stop());
      // A stream that failed or lost tokens counts its missing tokens as errors.
      errors = errors * TOKENS_PER_STREAM + Math.max(0, expected - parley.length);
      recordLevel(
        'sse_token_parley',
        { title: 'SSE token latency through Parley', providers: 'zero', unit: 'ms', baseline: raw ? 'raw_sse_relay' : undefined },
        levelFigure(level, parley, errors, 2),
      );
      recordLevel(
        'sse_token_overhead',
        { title: "SSE per-token overhead (Parley − the model's own stream)", providers: 'zero', unit: 'ms', baseline: raw ? 'raw_sse_relay_overhead' : undefined },
        levelFigure(level, parley.map((v) => v - directP50), errors, 2),
      );
      return errors / (level * TOKENS_PER_STREAM);
    });
    expect(done.length).toBeGreaterThan(0);
  }, 1_200_000);
});

const now = () => performance.timeOrigin + performance.now();

/** Reads the model server's own SSE stream and returns each token's latency from its stamp. */
async function readModelStream(baseUrl: string): Promise<number[]> {
  const response = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
    body: JSON.stringify({ model: 'fake', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  const latencies: number[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!line.startsWith('data: {')) continue;
      const content = JSON.parse(line.slice(6)).choices?.[0]?.delta?.content;
      if (content && content.trim()) latencies.push(now() - Number(content));
    }
  }
  return latencies;
}
