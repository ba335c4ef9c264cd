import type { INestApplication } from '@nestjs/common';
import type express from 'express';
import helmet from 'helmet';
import type { GatewayConfig } from '../config';

type CspSource = Pick<GatewayConfig, 'S3_ENDPOINT' | 'S3_PUBLIC_ENDPOINT' | 'OIDC_ISSUER'>;

const origin = (url: string | undefined) => (url ? new URL(url).origin : undefined);
const present = (values: Array<string | undefined>) => values.filter((v): v is string => Boolean(v));

/**
 * The content security policy of the web client, allowing only what it really loads:
 * - scripts and styles from this origin (the Vite build has no inline script or `<style>`; React and Recharts set
 *   styles through the DOM's style object, which the policy does not restrict); `blob:` scripts for the streaming
 *   capture AudioWorklet, which the client builds from a Blob (worklet modules are governed by script-src);
 * - socket.io and the API on this origin (`'self'` covers ws:/wss: to the same host);
 * - turn audio from object storage, another origin: presigned URLs name S3_PUBLIC_ENDPOINT, else S3_ENDPOINT;
 * - the OpenID Connect issuer (discovery, keys, token endpoint; silent renew in a frame) when OIDC_ISSUER is set.
 */
export function contentSecurityPolicy(config: CspSource): Record<string, string[]> {
  const storage = origin(config.S3_PUBLIC_ENDPOINT || config.S3_ENDPOINT);
  const issuer = origin(config.OIDC_ISSUER);
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'", 'blob:'],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'media-src': present(["'self'", 'blob:', storage]),
    'connect-src': present(["'self'", storage, issuer]),
    'frame-src': present([issuer ?? "'none'"]),
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

/**
 * Bull Board's page carries inline style attributes and a `<style>` element; only its paths get 'unsafe-inline'
 * styles (no inline script: its configuration is a JSON data block, which CSP does not run). Its web fonts come
 * from a third party and are left to fall back to local ones.
 */
export function dashboardContentSecurityPolicy(config: CspSource): Record<string, string[]> {
  return { ...contentSecurityPolicy(config), 'style-src': ["'self'", "'unsafe-inline'"], 'frame-src': ["'none'"] };
}

/**
 * helmet's security headers on every response (API, socket.io handshake, static client, dashboard), with the
 * policies above. Not `upgrade-insecure-requests`: local and test deployments serve plain http on 127.0.0.1, and
 * production terminates TLS in front of the gateway, where HSTS (sent here) keeps browsers on https.
 */
export function applySecurityHeaders(app: INestApplication, config: CspSource, dashboardPath: string): void {
  const http = app.getHttpAdapter().getInstance() as express.Express;
  const headers = (directives: Record<string, string[]>) => helmet({ contentSecurityPolicy: { useDefaults: false, directives } });
  const appHeaders = headers(contentSecurityPolicy(config));
  const dashboardHeaders = headers(dashboardContentSecurityPolicy(config));
  http.use((req, res, next) => (req.path.startsWith(dashboardPath) ? dashboardHeaders : appHeaders)(req, res, next));
}
