import { startFakeOpenAi, type FakeOpenAi } from '@parley/testing';
import { EXTERNAL_URL } from './harness';

/**
 * The provider settings every scenario runs under: OpenAI-wire-format servers at the HTTP edge answering at once
 * (`zero`: what is left is Parley's own cost) or after a fixed latency per request (`fixed`: the provider's cost
 * shows as the difference), and the offline providers (pocketsphinx, script roleplayer, Flite) with no server.
 */
export type ProviderMode = 'zero' | 'fixed' | 'offline' | 'external';

/** The fixed provider latency per request (`BENCH_PROVIDER_LATENCY_MS`), like a fast hosted model's first byte. */
export const FIXED_LATENCY_MS = Number(process.env.BENCH_PROVIDER_LATENCY_MS ?? 200);

export interface Providers {
  mode: ProviderMode;
  fake: FakeOpenAi | null;
  /** Environment for the platform's services. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Against BENCH_URL's deployment the providers are whatever it is configured with (`external`). */
export async function startProviders(mode: ProviderMode): Promise<Providers> {
  if (EXTERNAL_URL) return { mode: 'external', fake: null, env: {}, close: async () => undefined };
  if (mode === 'offline' || mode === 'external') return { mode, fake: null, env: {}, close: async () => undefined };
  const fake = await startFakeOpenAi(mode === 'zero' ? { chunkPauseMs: 0 } : { latencyMs: FIXED_LATENCY_MS, chunkPauseMs: 0 });
  return {
    mode,
    fake,
    env: {
      LLM_BASE_URL: fake.url,
      LLM_API_KEY: 'k',
      LLM_MODEL: 'fake',
      ASR_PROVIDER: 'openai',
      ASR_BASE_URL: fake.url,
      ASR_API_KEY: 'k',
      TTS_PROVIDER: 'openai',
      TTS_BASE_URL: fake.url,
      TTS_API_KEY: 'k',
    },
    close: () => fake.close(),
  };
}
