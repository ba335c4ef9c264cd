import { TestPlatform, api, devToken, sleep, startFakeOpenAi, type FakeOpenAi } from '@parley/testing';
import { readSse } from '../services/gateway/test/sse-client';
import { report, summarize } from './stats';

const STREAMS = Number(process.env.BENCH_SSE_STREAMS ?? 20);
const TOKENS_PER_STREAM = Number(process.env.BENCH_SSE_TOKENS ?? 120);
/** The model's token rate: one token every 20 ms (50 tokens/s), like a fast hosted model. */
const TOKEN_INTERVAL_MS = 20;

/**
 * SSE per-token overhead (SPEC §8: Parley's own overhead per streamed token under 5 ms): a local OpenAI-wire-format
 * server streams tokens stamped with their send time at a fixed rate; each token's latency to the trainee's SSE
 * reader (through turn-pipeline → Redis stream → gateway) is compared with the same server's stream read directly.
 */
describe('SSE per-token overhead benchmark', () => {
  let platform: TestPlatform;
  let fake: FakeOpenAi;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    platform = await TestPlatform.start({
      services: ['gateway', 'session', 'turn-pipeline'],
      env: {
        LOG_LEVEL: 'warn',
        LLM_BASE_URL: fake.url,
        LLM_API_KEY: 'k',
        LLM_MODEL: 'fake',
        MAX_ACTIVE_SESSIONS: String(STREAMS * 2),
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await fake?.close();
  });

  it(`measures ${STREAMS} concurrent streams × ${TOKENS_PER_STREAM} tokens`, async () => {
    const gateway = platform.url('gateway');
    const token = await devToken(gateway, 'bench-sse');
    const stamped = { stampTokens: { tokens: TOKENS_PER_STREAM }, chunkDelayMs: TOKEN_INTERVAL_MS };

    // Raw baseline: the same server's stream, read directly with the same concurrency.
    fake.setBehaviour('chat', stamped);
    const raw = (await Promise.all(Array.from({ length: STREAMS }, () => readModelStream(fake.url)))).flat();

    // Through Parley: each stream is one text session's reply.
    const sessions = await Promise.all(
      Array.from({ length: STREAMS }, async () => {
        const created = await api(gateway, 'POST', '/api/sessions', {
          token,
          body: { scenarioId: 'support-double-charge', mode: 'text', clientSessionStartedAt: new Date().toISOString() },
        });
        if (created.status !== 201) throw new Error(`session: ${JSON.stringify(created.body)}`);
        const sessionId = created.body.session.id as string;
        for (let i = 0; i < 200; i++) {
          const state = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
          if (state.body.turns.length) return sessionId;
          await sleep(50);
        }
        throw new Error('no opening');
      }),
    );
    const parley = (
      await Promise.all(
        sessions.map(async (sessionId) => {
          const latencies: number[] = [];
          await readSse(`${gateway}/api/chat/streaming`, { method: 'POST', token, body: { sessionId, message: 'Tell me more.' } }, (event) => {
            if (event.event === 'token') latencies.push(now() - Number(event.data.delta));
            return false;
          });
          return latencies;
        }),
      )
    ).flat();

    const baseline = summarize(raw, 2);
    const through = summarize(parley, 2);
    report('sse_token_raw_ms', baseline);
    report('sse_token_parley_ms', through);
    const overhead = summarize(
      parley.map((v) => v - baseline.p50),
      2,
    );
    report('sse_token_overhead_ms', overhead);
    process.stdout.write(`SSE per-token overhead p50 ${overhead.p50} ms, p99 ${overhead.p99} ms (${(through.p50 / Math.max(baseline.p50, 0.01)).toFixed(1)}× the raw p50)\n`);
    expect(parley.length).toBe(STREAMS * TOKENS_PER_STREAM);
  });
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
