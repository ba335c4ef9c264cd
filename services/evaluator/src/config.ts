import { BaseEnv, DatabaseEnv, NatsEnv, RedisEnv, env, loadConfig, type Config } from '@parley/config';
import { z } from 'zod';

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v ? v : undefined));

export const EvaluatorEnv = BaseEnv.extend(NatsEnv.shape)
  .extend(RedisEnv.shape)
  .extend(DatabaseEnv.shape)
  .extend({
    EVALUATOR_PORT: env.port(8084),
    /** Evaluations run at once per replica. */
    EVAL_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    /** A crashed replica's evaluation is taken over after this long. */
    QUEUE_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(30_000),
    /**
     * How long an evaluation waits for trainee transcripts still pending when the session ended; after that it
     * evaluates what it has and records the missing turns.
     */
    EVAL_TRANSCRIPT_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),
    /**
     * The LLM judge. Each EVAL_LLM_* setting falls back to the shared LLM_* one; with no base URL at all the rubric
     * part is the offline heuristic. LLM_API_KEY is only sent to LLM_BASE_URL, never to another EVAL_LLM_BASE_URL.
     */
    EVAL_LLM_BASE_URL: env.optionalUrl,
    EVAL_LLM_API_KEY: optionalText,
    EVAL_LLM_MODEL: optionalText,
    LLM_BASE_URL: env.optionalUrl,
    LLM_API_KEY: optionalText,
    /** Default gpt-4o-mini. */
    LLM_MODEL: optionalText,
    /** Judge answers that are not the expected JSON are asked again this many times in all, then the evaluation fails. */
    EVAL_LLM_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
    /** No-progress timeout of one provider attempt, and the retries after it (SPEC §4.6: 10 s, twice). */
    LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    LLM_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
    /** Runs of an evaluation job that failed on infrastructure (database, provider outage) before it is marked failed. */
    EVAL_JOB_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
    /** How often evaluations abandoned by their job (stalled too often, failed outside our code) are settled as failed. */
    EVAL_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
  });

export type EvaluatorConfig = Config<typeof EvaluatorEnv>;
export const EVALUATOR_CONFIG = Symbol('EVALUATOR_CONFIG');
export const loadEvaluatorConfig = (source: NodeJS.ProcessEnv = process.env) => loadConfig(EvaluatorEnv, source);

/** The judge's endpoint, or null for the offline heuristic. */
export interface JudgeEndpoint {
  baseUrl: string;
  apiKey?: string;
  model: string;
}

export function judgeEndpoint(config: EvaluatorConfig): JudgeEndpoint | null {
  const baseUrl = config.EVAL_LLM_BASE_URL ?? config.LLM_BASE_URL;
  if (!baseUrl) return null;
  // The shared key belongs to the shared endpoint: never hand it to a different evaluator endpoint.
  const sharedEndpoint = !config.EVAL_LLM_BASE_URL || config.EVAL_LLM_BASE_URL === config.LLM_BASE_URL;
  const apiKey = config.EVAL_LLM_API_KEY ?? (sharedEndpoint ? config.LLM_API_KEY : undefined);
  return { baseUrl, apiKey, model: config.EVAL_LLM_MODEL ?? config.LLM_MODEL ?? 'gpt-4o-mini' };
}
