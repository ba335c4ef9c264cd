import { BaseEnv, NatsEnv, RedisEnv, S3Env, env, loadConfig, type Config } from '@parley/config';
import { z } from 'zod';

export const AsrEnv = BaseEnv.extend(NatsEnv.shape)
  .extend(RedisEnv.shape)
  .extend(S3Env.shape)
  .extend({
    ASR_PORT: env.port(8083),
    /** Transcriptions run at once per replica (pocketsphinx uses one core each). */
    ASR_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  });

export type AsrConfig = Config<typeof AsrEnv>;
export const loadAsrConfig = (source: NodeJS.ProcessEnv = process.env) => loadConfig(AsrEnv, source);
