import { BaseEnv, DatabaseEnv, NatsEnv, RedisEnv, S3Env, env, loadConfig, type Config } from '@parley/config';
import { z } from 'zod';

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v ? v : undefined));

export const AsrEnv = BaseEnv.extend(NatsEnv.shape)
  .extend(RedisEnv.shape)
  .extend(S3Env.shape)
  .extend(DatabaseEnv.shape)
  .extend({
    ASR_PORT: env.port(8083),
    /** `pocketsphinx` (offline, the default) or `openai`: any OpenAI-compatible `/v1/audio/transcriptions`. */
    ASR_PROVIDER: z.enum(['pocketsphinx', 'openai']).default('pocketsphinx'),
    ASR_BASE_URL: env.optionalUrl,
    ASR_API_KEY: optionalText,
    /** Default whisper-1 (openai provider only). */
    ASR_MODEL: optionalText,
    /** Transcriptions run at once per replica (pocketsphinx uses one core each). */
    ASR_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    /** A crashed replica's transcription job is taken over after this long. */
    QUEUE_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(30_000),
    /** How often transcription jobs lost outside our handler are revived. */
    ASR_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).default(15_000),
    /** No-progress timeout of one provider attempt, and the retries after it (SPEC §4.6: 10 s, twice). */
    LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    LLM_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  });

export type AsrConfig = Config<typeof AsrEnv>;
export const ASR_CONFIG = Symbol('ASR_CONFIG');
export const loadAsrConfig = (source: NodeJS.ProcessEnv = process.env) => loadConfig(AsrEnv, source);
