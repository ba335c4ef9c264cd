import { BaseEnv, NatsEnv, RedisEnv, S3Env, env, loadConfig, type Config } from '@parley/config';
import { z } from 'zod';

export const GatewayEnv = BaseEnv.extend(NatsEnv.shape)
  .extend(RedisEnv.shape)
  // Only to name the storage origin browsers fetch presigned audio from in the content security policy.
  .extend(S3Env.pick({ S3_ENDPOINT: true, S3_PUBLIC_ENDPOINT: true }).shape)
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
    /**
     * OpenID Connect issuer (AUTH_MODE=jwt): tokens are verified against the keys its discovery document names, and
     * the web client signs in there with authorization code + PKCE. Takes precedence over JWT_SECRET/JWT_PUBLIC_KEY.
     */
    OIDC_ISSUER: z.url().optional(),
    /** The public (no secret) client registered for the web client at the issuer. */
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    /** API audience of the access tokens; unset: the web client sends its ID token, whose audience is the client id. */
    OIDC_AUDIENCE: z.string().min(1).optional(),
    OIDC_SCOPES: z.string().default('openid profile email'),
    /** Claim holding the caller's roles (a dotted path such as `realm_access.roles` reaches into an object). */
    OIDC_ROLES_CLAIM: z.string().min(1).default('roles'),
    /** Shown on the sign-in button ("Sign in with …"); defaults to the issuer's host name. */
    OIDC_PROVIDER_NAME: z.string().optional(),
    DEV_TOKEN_TTL_SEC: z.coerce.number().int().min(60).default(12 * 3600),
    /** Comma-separated origins allowed by CORS; empty allows none but the same origin. */
    CORS_ORIGINS: z.string().default(''),
    /** Built web client to serve; missing folder → a page saying how to build it. */
    WEB_DIST: z.string().default(''),
    /** Requests per user per minute on the REST API. */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    /** Socket connections plus socket events per user per minute (a budget apart from REST). */
    SOCKET_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(300),
    /** Socket events per connection per minute, so one runaway tab cannot spend its user's whole budget. */
    SOCKET_RATE_LIMIT_PER_SOCKET_PER_MINUTE: z.coerce.number().int().min(1).default(200),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.AUTH_MODE === 'jwt' && !cfg.JWT_SECRET && !cfg.JWT_PUBLIC_KEY && !cfg.OIDC_ISSUER) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'AUTH_MODE=jwt needs OIDC_ISSUER, JWT_SECRET or JWT_PUBLIC_KEY' });
    }
    if (cfg.OIDC_ISSUER && !cfg.OIDC_CLIENT_ID) {
      ctx.addIssue({ code: 'custom', path: ['OIDC_CLIENT_ID'], message: 'OIDC_ISSUER needs the web client id (OIDC_CLIENT_ID)' });
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
