import { Inject, Injectable } from '@nestjs/common';
import { AppError, Role, type Caller } from '@parley/contracts';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

/** Used only when AUTH_MODE=dev and no secret is configured: local runs and tests. */
const DEV_FALLBACK_SECRET = 'parley-local-development-secret';

const ClaimsSchema = z.object({
  sub: z.string().min(1).max(64),
  roles: z.array(Role).optional(),
});

/** Issues (dev mode) and verifies bearer tokens; the subject is the user id every query is scoped to. */
@Injectable()
export class TokenService {
  private readonly verifyKey: string;
  private readonly signKey: string | undefined;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.verifyKey = config.JWT_PUBLIC_KEY ?? config.JWT_SECRET ?? DEV_FALLBACK_SECRET;
    this.signKey = config.AUTH_MODE === 'dev' ? (config.JWT_SECRET ?? DEV_FALLBACK_SECRET) : undefined;
  }

  get devTokensEnabled(): boolean {
    return this.signKey !== undefined;
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

  verify(token: string): Caller {
    let decoded: unknown;
    try {
      decoded = jwt.verify(token, this.verifyKey, {
        algorithms: this.config.JWT_PUBLIC_KEY ? ['RS256', 'ES256'] : ['HS256'],
        ...(this.config.JWT_ISSUER ? { issuer: this.config.JWT_ISSUER } : {}),
        ...(this.config.JWT_AUDIENCE ? { audience: this.config.JWT_AUDIENCE } : {}),
      });
    } catch (error) {
      const expired = error instanceof jwt.TokenExpiredError;
      throw new AppError('unauthorized', expired ? 'Your sign-in has expired' : 'Invalid access token');
    }
    const claims = ClaimsSchema.safeParse(decoded);
    if (!claims.success) throw new AppError('unauthorized', 'Access token lacks a valid subject');
    return { userId: claims.data.sub, roles: claims.data.roles?.length ? claims.data.roles : ['trainee'] };
  }

  /** Reads `Authorization: Bearer <token>`; anything else is 401. */
  fromAuthorizationHeader(header: string | undefined): Caller {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw new AppError('unauthorized', 'Sign in first: send Authorization: Bearer <token>');
    return this.verify(match[1]!);
  }
}
