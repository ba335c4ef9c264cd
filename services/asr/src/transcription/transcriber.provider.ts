import { Logger, type Provider } from '@nestjs/common';
import { Metrics } from '@parley/observability';
import { createProviders, type Transcriber } from '@parley/providers';
import { ASR_CONFIG, type AsrConfig } from '../config';

/** Injection token of the configured {@link Transcriber}. */
export const TRANSCRIBER = Symbol('TRANSCRIBER');

/** The transcriber chosen by `ASR_PROVIDER`, bounded by the provider call policy (timeout, retries). */
export const transcriberProvider: Provider = {
  provide: TRANSCRIBER,
  inject: [ASR_CONFIG, Metrics],
  useFactory: (config: AsrConfig, metrics: Metrics): Transcriber => {
    const logger = new Logger('Transcriber');
    const retries = metrics.counter('provider_retries_total', 'Provider attempts that failed and were retried', ['role']);
    const providers = createProviders(
      {
        // Only the transcriber is used here; the LLM settings are the call policy every provider shares.
        llm: { audio: false, timeoutMs: config.LLM_TIMEOUT_MS, retries: config.LLM_RETRIES },
        asr: {
          provider: config.ASR_PROVIDER,
          baseUrl: config.ASR_BASE_URL,
          apiKey: config.ASR_API_KEY,
          model: config.ASR_MODEL,
          concurrency: config.ASR_CONCURRENCY,
        },
        tts: { provider: 'flite' },
      },
      {
        onRetry: ({ role, attempt, error }) => {
          retries.inc({ role });
          logger.warn({ role, attempt, err: (error as Error)?.message ?? String(error) }, 'provider attempt failed; retrying');
        },
      },
    );
    logger.log({ provider: providers.transcriber.name }, 'transcriber ready');
    return providers.transcriber;
  },
};
