import { AppError } from '@parley/contracts';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';

const DiscoverySchema = z.object({ issuer: z.string(), jwks_uri: z.url() });

const DISCOVERY_TIMEOUT_MS = 5_000;

/**
 * The signing keys an OpenID Connect issuer publishes. The discovery document is read on first use (the gateway
 * boots while the identity provider is down) and again after a failure. jose caches the key set, refetches it
 * when a token names a key id it does not hold (a rotated key), at most once per cooldown so a flood of forged key
 * ids cannot hammer the provider.
 */
export class OidcKeys {
  private keys: Promise<JWTVerifyGetKey> | undefined;

  constructor(private readonly issuer: string) {}

  keySet(): Promise<JWTVerifyGetKey> {
    this.keys ??= this.discover().catch((error: unknown) => {
      this.keys = undefined;
      throw error;
    });
    return this.keys;
  }

  private async discover(): Promise<JWTVerifyGetKey> {
    const url = `${this.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS), headers: { accept: 'application/json' } });
    if (!response.ok) throw new AppError('unavailable', `OIDC discovery answered ${response.status}`);
    const document = DiscoverySchema.safeParse(await response.json());
    if (!document.success) throw new AppError('unavailable', 'OIDC discovery document lacks issuer or jwks_uri');
    // OIDC Discovery §4.3: the document must name exactly the issuer it was fetched for.
    if (document.data.issuer !== this.issuer) {
      throw new AppError('unavailable', `OIDC discovery names issuer ${document.data.issuer}, not ${this.issuer}`);
    }
    return createRemoteJWKSet(new URL(document.data.jwks_uri), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
  }
}
