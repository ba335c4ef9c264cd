import { Logger, type Provider } from '@nestjs/common';
import { Metrics } from '@parley/observability';
import { createProviders, type Providers } from '@parley/providers';
import { PIPELINE_CONFIG, type TurnPipelineConfig } from '../config';

/** Injection token of the configured {@link Providers}: roleplayer, objective check, synthesizer, omni. */
export const PROVIDERS = Symbol('PROVIDERS');

export const providersProvider: Provider = {
  provide: PROVIDERS,
  inject: [PIPELINE_CONFIG, Metrics],
  useFactory: (config: TurnPipelineConfig, metrics: Metrics): Providers => {
    const logger = new Logger('Providers');
    const retries = metrics.counter('provider_retries_total', 'Provider attempts that failed and were retried', ['role']);
    const providers = createProviders(
      {
        llm: {
          baseUrl: config.LLM_BASE_URL,
          apiKey: config.LLM_API_KEY,
          model: config.LLM_MODEL,
          audio: config.LLM_AUDIO,
          voice: config.LLM_VOICE,
          audioFormat: config.LLM_AUDIO_FORMAT,
          timeoutMs: config.LLM_TIMEOUT_MS,
          retries: config.LLM_RETRIES,
        },
        // Transcription is the ASR service's job; the pipeline never transcribes.
        asr: { provider: 'pocketsphinx' },
        tts: {
          provider: config.TTS_PROVIDER,
          baseUrl: config.TTS_BASE_URL,
          apiKey: config.TTS_API_KEY,
          model: config.TTS_MODEL,
          voice: config.TTS_VOICE,
        },
      },
      {
        onRetry: ({ role, attempt, error }) => {
          retries.inc({ role });
          logger.warn({ role, attempt, err: (error as Error)?.message ?? String(error) }, 'provider attempt failed; retrying');
        },
      },
    );
    logger.log(
      {
        roleplayer: providers.offline ? 'offline-script' : (config.LLM_MODEL ?? 'gpt-4o-mini'),
        synthesizer: providers.synthesizer.name,
        speechToSpeech: providers.omni !== null,
      },
      'providers ready',
    );
    return providers;
  },
};
