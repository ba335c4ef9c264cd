import { BaseEnv, DatabaseEnv, NatsEnv, RedisEnv, S3Env, env, loadConfig, type Config } from '@parley/config';
import { RT_REJOIN_GRACE_MS } from '@parley/contracts';
import { z } from 'zod';

export const SessionEnv = BaseEnv.extend(NatsEnv.shape)
  .extend(RedisEnv.shape)
  .extend(DatabaseEnv.shape)
  .extend(S3Env.shape)
  .extend({
    SESSION_PORT: env.port(8081),
    /** Sessions that may be active at once across the deployment (SPEC §4). */
    MAX_ACTIVE_SESSIONS: z.coerce.number().int().min(1).default(20),
    /** Creations that may wait for a free slot before further ones get 429. */
    MAX_PENDING_SESSIONS: z.coerce.number().int().min(0).default(5),
    /** How long a waiting creation holds on before it gives up with 429. */
    PENDING_WAIT_MS: z.coerce.number().int().min(100).default(30_000),
    /** Timer jobs handled at once per replica. */
    TIMER_CONCURRENCY: z.coerce.number().int().min(1).default(16),
    /** A crashed replica's timer job is taken over after this long. */
    QUEUE_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(30_000),
    /** How often each replica repairs what crashes and outages left behind (timers, half-ended sessions). */
    RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
    /**
     * Realtime: warm pocketsphinx decoders (≈ 105 MB each). Each trainee utterance holds one while it is spoken, so
     * fewer decoders than speakers at once make transcripts wait; main.ts sizes libuv's thread pool to match.
     */
    RT_DECODERS: z.coerce.number().int().min(1).max(16).default(4),
    /**
     * Realtime transcription: `pocketsphinx` decodes in-process as the trainee speaks; `openai` sends each utterance
     * to an OpenAI-compatible endpoint once the voice activity detector closes it.
     */
    ASR_PROVIDER: z.enum(['pocketsphinx', 'openai']).default('pocketsphinx'),
    ASR_BASE_URL: env.optionalUrl,
    ASR_API_KEY: z.string().optional(),
    ASR_MODEL: z.string().optional(),
    /** No-progress timeout and retries of a transcription request (SPEC §4.6). */
    LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    LLM_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
    /**
     * Realtime speech-to-speech engine (SPEC §7.4): an OpenAI-Realtime-compatible WebSocket endpoint, e.g.
     * `wss://api.openai.com/v1/realtime`; unset, a session asking for it runs on the cascade.
     */
    REALTIME_BASE_URL: env.optionalUrl,
    REALTIME_API_KEY: z.string().optional(),
    REALTIME_MODEL: z.string().default('gpt-4o-realtime-preview'),
    REALTIME_VOICE: z.string().default('alloy'),
    /** Realtime: a trainee whose sockets all left may rejoin within this long before the session ends (SPEC §7.2). */
    RT_REJOIN_GRACE_MS: z.coerce.number().int().min(100).default(RT_REJOIN_GRACE_MS),
  });

export type SessionConfig = Config<typeof SessionEnv>;
export const SESSION_CONFIG = Symbol('SESSION_CONFIG');
export const loadSessionConfig = (source: NodeJS.ProcessEnv = process.env) => loadConfig(SessionEnv, source);
