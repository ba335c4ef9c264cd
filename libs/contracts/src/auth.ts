import { AppError } from './errors';
import { z } from 'zod';

/** `operator` reaches the queue dashboard (/admin/queues); it grants nothing in the product itself. */
export const Role = z.enum(['trainee', 'author', 'operator']);
export type Role = z.infer<typeof Role>;

/** Who is calling; every command that touches user data carries it and is scoped to it. */
export interface Caller {
  userId: string;
  roles: Role[];
}

export const DevTokenRequestSchema = z.object({
  userId: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only'),
  roles: z.array(Role).min(1).default(['trainee']),
});

/**
 * The caller a command carries. The gateway authenticated it; a command without one is refused rather than
 * served unscoped.
 */
export function callerOf(request: unknown): Caller {
  const value = (request as { caller?: Caller } | null | undefined)?.caller;
  if (!value || typeof value.userId !== 'string' || !Array.isArray(value.roles)) {
    throw new AppError('unauthorized', 'Command without an authenticated caller');
  }
  return value;
}

/** `GET /api/auth/config` (public): how the web client signs in. */
export interface AuthConfigResponse {
  /** `dev`: a name is enough (POST /api/auth/dev-token); `jwt`: a token from the operator's identity provider. */
  mode: 'dev' | 'jwt';
  /** Present when the gateway trusts an OpenID Connect issuer: sign in there with authorization code + PKCE. */
  oidc?: {
    issuer: string;
    clientId: string;
    /** Space-separated scopes to request. */
    scopes: string;
    /** The API audience to request an access token for; absent: the ID token is the bearer token. */
    audience?: string;
    providerName: string;
  };
}
