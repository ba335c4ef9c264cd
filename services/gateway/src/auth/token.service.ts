import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError, Role, type AuthConfigResponse, type Caller } from '@parley/contracts';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { OidcKeys } from './oidc-keys';

/** Used only when AUTH_MODE=dev and no secret is configured: local runs and tests. */
const DEV_FALLBACK_SECRET = 'parley-local-development-secret';

/** Asymmetric algorithms accepted from an identity provider; never `none` nor HS* with a public key. */
const ASYMMETRIC_ALGS = ['RS256', 'ES256'];

const Subject = z.string().min(1).max(255);

/**
 * Issues (dev mode) and verifies bearer tokens; the subject is the user id every query is scoped to. Tokens are
 * verified with one library (jose) in every mode: an OIDC issuer's published keys, a configured public key, or the
 * shared secret.
 */
@Injectable()
export class TokenService {
  private readonly logger = new Logger(TokenService.name);
  private readonly signKey: string | undefined;
  private readonly staticKey: Uint8Array | KeyObject;
  private readonly oidc: OidcKeys | undefined;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.signKey = config.AUTH_MODE === 'dev' ? (config.JWT_SECRET ?? DEV_FALLBACK_SECRET) : undefined;
    this.staticKey = config.JWT_PUBLIC_KEY
      ? createPublicKey(config.JWT_PUBLIC_KEY)
      : new TextEncoder().encode(config.JWT_SECRET ?? DEV_FALLBACK_SECRET);
    // An issuer is used only in jwt mode: dev mode keeps its own tokens whatever else is configured.
    this.oidc = config.AUTH_MODE === 'jwt' && config.OIDC_ISSUER ? new OidcKeys(config.OIDC_ISSUER) : undefined;
  }

  get devTokensEnabled(): boolean {
    return this.signKey !== undefined;
  }

  /** What the web client needs to know to sign in (public: it holds no secret). */
  clientConfig(): AuthConfigResponse {
    const { AUTH_MODE, OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_AUDIENCE, OIDC_SCOPES, OIDC_PROVIDER_NAME } = this.config;
    if (AUTH_MODE === 'dev') return { mode: 'dev' };
    if (!OIDC_ISSUER || !OIDC_CLIENT_ID) return { mode: 'jwt' };
    return {
      mode: 'jwt',
      oidc: {
        issuer: OIDC_ISSUER,
        clientId: OIDC_CLIENT_ID,
        scopes: OIDC_SCOPES,
        providerName: OIDC_PROVIDER_NAME ?? new URL(OIDC_ISSUER).hostname,
        ...(OIDC_AUDIENCE ? { audience: OIDC_AUDIENCE } : {}),
      },
    };
  }

  issueDevToken(caller: Caller): string {
    if (!this.signKey) throw new AppError('not_found', 'Dev tokens are disabled');
    return jwt.sign({ roles: caller.roles }, this.signKey, {
      algorithm: 'HS256',
      subject: caller.userId,
      expiresIn: this.config.DEV_TOKEN_TTL_SEC,
      ...(this.config.JWT_ISSUER ? { issuer: this.config.JWT_ISSUER } : {}),
      ...(this.config.JWT_AUDIENCE ? { audience: this.config.JWT_AUDIENCE } : {}),
    });
  }

  async verify(token: string): Promise<Caller> {
    const payload = this.oidc ? await this.verifyFromIssuer(this.oidc, token) : await this.verifyWithStaticKey(token);
    const sub = Subject.safeParse(payload.sub);
    if (!sub.success) throw new AppError('unauthorized', 'Access token lacks a valid subject');
    const roles = this.oidc ? rolesFromClaim(payload, this.config.OIDC_ROLES_CLAIM) : rolesFromClaim(payload, 'roles');
    return { userId: sub.data, roles: roles.length ? roles : ['trainee'] };
  }

  /** Reads `Authorization: Bearer <token>`; anything else is 401. */
  async fromAuthorizationHeader(header: string | undefined): Promise<Caller> {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw new AppError('unauthorized', 'Sign in first: send Authorization: Bearer <token>');
    return this.verify(match[1]!);
  }

  private async verifyWithStaticKey(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.staticKey, {
        algorithms: this.config.JWT_PUBLIC_KEY ? ASYMMETRIC_ALGS : ['HS256'],
        ...(this.config.JWT_ISSUER ? { issuer: this.config.JWT_ISSUER } : {}),
        ...(this.config.JWT_AUDIENCE ? { audience: this.config.JWT_AUDIENCE } : {}),
      });
      return payload;
    } catch (error) {
      throw refusal(error);
    }
  }

  private async verifyFromIssuer(oidc: OidcKeys, token: string): Promise<JWTPayload> {
    const options: JWTVerifyOptions = {
      algorithms: ASYMMETRIC_ALGS,
      issuer: this.config.OIDC_ISSUER!,
      // An API audience when the operator set one (access tokens), else the web client's id (ID tokens).
      audience: this.config.OIDC_AUDIENCE ?? this.config.OIDC_CLIENT_ID!,
    };
    try {
      const { payload } = await jwtVerify(token, await oidc.keySet(), options);
      return payload;
    } catch (error) {
      if (isIssuerOutage(error)) {
        this.logger.warn(`Identity provider keys unavailable: ${(error as Error).message}`);
        throw new AppError('unavailable', 'The identity provider cannot be reached; try again shortly');
      }
      throw refusal(error);
    }
  }
}

/** A token problem, said without echoing the token: expired, or otherwise not ours. */
function refusal(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof errors.JWTExpired) return new AppError('unauthorized', 'Your sign-in has expired');
  return new AppError('unauthorized', 'Invalid access token');
}

/**
 * The issuer's keys could not be had (network, timeout, a non-200 or unparseable key set): the token may be fine,
 * so this is not the caller's fault. jose reports those as its generic error or the network's own.
 */
function isIssuerOutage(error: unknown): boolean {
  if (error instanceof AppError) return error.code === 'unavailable';
  if (error instanceof errors.JWKSTimeout) return true;
  if (error instanceof errors.JOSEError) return error.code === 'ERR_JOSE_GENERIC';
  return true;
}

/** Our roles named in `claim` (a dotted path; an array or a space/comma separated string); others are ignored. */
export function rolesFromClaim(payload: JWTPayload, claim: string): Role[] {
  let value: unknown = payload;
  for (const key of claim.split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  const names = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : [];
  const roles = names.flatMap((name) => {
    const role = Role.safeParse(name);
    return role.success ? [role.data] : [];
  });
  return [...new Set(roles)];
}
