import { BaseEnv, DatabaseEnv, NatsEnv, RedisEnv, S3Env, env, loadConfig, type Config } from '@parley/config';
import { z } from 'zod';

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v ? v : undefined));

export const TurnPipelineEnv = BaseEnv.extend(NatsEnv.shape)
  .extend(RedisEnv.shape)
  .extend(S3Env.shape)
  .extend(DatabaseEnv.shape)
  .extend({
    TURN_PIPELINE_PORT: env.port(8082),
    /** The roleplayer and objective check model; without a base URL both are the scenario's offline script. */
    LLM_BASE_URL: env.optionalUrl,
    LLM_API_KEY: optionalText,
    /** Default gpt-4o-mini. */
    LLM_MODEL: optionalText,
    /** Speech-to-speech through the chat model (e.g. qwen3-omni-flash): the trainee's audio in, the reply's audio out. */
    LLM_AUDIO: env.bool(false),
    /** Voice of the chat model's audio output (LLM_AUDIO). Default Cherry. */
    LLM_VOICE: optionalText,
    /** Audio format asked of the chat model (LLM_AUDIO): `wav` for Qwen-Omni (default), `pcm16` for OpenAI. */
    LLM_AUDIO_FORMAT: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['wav', 'pcm16']).optional()),
    /** No-progress timeout of one provider attempt, and the retries after it (SPEC §4.6: 10 s, twice). */
    LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    LLM_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
    /** `flite` (offline, the default) or `openai`: any OpenAI-compatible `/v1/audio/speech`. */
    TTS_PROVIDER: z.enum(['flite', 'openai']).default('flite'),
    TTS_BASE_URL: env.optionalUrl,
    TTS_API_KEY: optionalText,
    /** Default gpt-4o-mini-tts. */
    TTS_MODEL: optionalText,
    /** Used when a persona's voice is unknown to the provider. Default alloy. */
    TTS_VOICE: optionalText,
    /** Pipeline jobs (openings and replies) run at once per replica. */
    PIPELINE_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
    /** A crashed replica's job is taken over after this long. */
    QUEUE_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(30_000),
    /** Live generations (realtime voice) at once per replica; one more is answered `capacity_exceeded`. */
    GENERATION_CONCURRENCY: z.coerce.number().int().min(1).max(4096).default(64),
    /** How often lost opening/reply jobs (failed outside our handlers) are revived. */
    PIPELINE_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).default(15_000),
    /**
     * How long a reply waits for the session service to store the transcript it answers (the transcript event
     * reaches both services at once) before the job is retried.
     */
    TRANSCRIPT_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  });

export type TurnPipelineConfig = Config<typeof TurnPipelineEnv>;
export const PIPELINE_CONFIG = Symbol('PIPELINE_CONFIG');
export const loadTurnPipelineConfig = (source: NodeJS.ProcessEnv = process.env) => loadConfig(TurnPipelineEnv, source);
