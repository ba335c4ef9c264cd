import { z } from 'zod';

/**
 * Configuration is read from the environment once, at boot, validated with zod and frozen. A service that is
 * misconfigured refuses to start and names every bad variable.
 */

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalUrl = z.url().optional().or(z.literal('').transform(() => undefined));

export const env = { port, bool, optionalUrl };

/** Shared by every service. */
export const BaseEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Prefix of every NATS subject, stream, consumer and queue key: isolates test runs from a local run. */
  PARLEY_NAMESPACE: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,30}$/, 'lowercase letters, digits and -')
    .default('parley'),
  /** How long a stopping service may spend finishing in-flight work before it hands the rest back. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
});

export const DatabaseEnv = z.object({
  DATABASE_URL: z.string().startsWith('postgres').default('postgresql://postgres@127.0.0.1:5432/parley'),
});

export const RedisEnv = z.object({
  REDIS_URL: z.string().startsWith('redis').default('redis://127.0.0.1:6379'),
});

export const NatsEnv = z.object({
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  /** Request/reply commands fail with `timeout` after this long. */
  NATS_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
});

export const S3Env = z.object({
  S3_ENDPOINT: optionalUrl,
  /** Endpoint written into presigned URLs when browsers reach storage under another address than services do. */
  S3_PUBLIC_ENDPOINT: optionalUrl,
  S3_BUCKET: z.string().min(3).default('parley-audio'),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().default('S3RVER'),
  S3_SECRET_ACCESS_KEY: z.string().default('S3RVER'),
  /** Lifetime of presigned audio URLs (SPEC §5: 15 minutes). */
  AUDIO_URL_TTL_SEC: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(900),
});

export type Config<S extends z.ZodType> = Readonly<z.output<S>>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses `source` (the process environment by default) against `schema` and freezes the result. */
export function loadConfig<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv = process.env): Config<S> {
  const result = schema.safeParse(source);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  return Object.freeze(result.data) as Config<S>;
}
