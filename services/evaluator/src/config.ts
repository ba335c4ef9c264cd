import { BaseEnv, DatabaseEnv, NatsEnv, RedisEnv, env, loadConfig, type Config } from '@parley/config';

export const EvaluatorEnv = BaseEnv.extend(NatsEnv.shape)
  .extend(RedisEnv.shape)
  .extend(DatabaseEnv.shape)
  .extend({ EVALUATOR_PORT: env.port(8084) });

export type EvaluatorConfig = Config<typeof EvaluatorEnv>;
export const loadEvaluatorConfig = (source: NodeJS.ProcessEnv = process.env) => loadConfig(EvaluatorEnv, source);
