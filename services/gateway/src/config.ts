import { BaseEnv, NatsEnv, RedisEnv, env, loadConfig, type Config } from '@parley/config';
import { z } from 'zod';

export const GatewayEnv = BaseEnv.extend(NatsEnv.shape)
  .extend(RedisEnv.shape)
  .extend({
    GATEWAY_PORT: env.port(8080),
    /** `dev` issues tokens at POST /api/auth/dev-token; `jwt` only accepts tokens from the identity provider. */
    AUTH_MODE: z.enum(['dev', 'jwt']).default('dev'),
    /** HS256 secret (dev tokens, or an identity provider that shares a secret). */
    JWT_SECRET: z.string().min(16).optional(),
    /** RS256/ES256 public key (PEM) of the identity provider. */
    JWT_PUBLIC_KEY: z.string().optional(),
    JWT_ISSUER: z.string().optional(),
    JWT_AUDIENCE: z.string().optional(),
    DEV_TOKEN_TTL_SEC: z.coerce.number().int().min(60).default(12 * 3600),
    /** Comma-separated origins allowed by CORS; empty allows none but the same origin. */
    CORS_ORIGINS: z.string().default(''),
    /** Built web client to serve; missing folder → a page saying how to build it. */
    WEB_DIST: z.string().default(''),
    /** Requests per user per minute on the REST API. */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    /** Socket connections plus socket events per user per minute (a budget apart from REST). */
    SOCKET_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.AUTH_MODE === 'jwt' && !cfg.JWT_SECRET && !cfg.JWT_PUBLIC_KEY) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'AUTH_MODE=jwt needs JWT_SECRET or JWT_PUBLIC_KEY' });
    }
    if (cfg.NODE_ENV === 'production' && cfg.AUTH_MODE === 'dev') {
      ctx.addIssue({ code: 'custom', path: ['AUTH_MODE'], message: 'dev tokens are not allowed in production' });
    }
  });

export type GatewayConfig = Config<typeof GatewayEnv>;

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** The CORS allowlist shared by REST and socket.io; `false` (none) when empty, so only the same origin works. */
export function corsOrigins(config: Pick<GatewayConfig, 'CORS_ORIGINS'>): string[] | false {
  const origins = config.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  return origins.length ? origins : false;
}

export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(GatewayEnv, source);
}
