import type { Role } from '@parley/contracts';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { freePort } from './ports';

const SCRIPT = join(resolve(__dirname, '../idp'), 'oidc-provider.mjs');

export interface TestIdpOptions {
  clientId: string;
  /** API audience (resource indicator) its JWT access tokens are issued for. */
  audience: string;
  /** Roles claim of accounts by login; accounts not named get no roles claim. */
  roles?: Record<string, Role[]>;
  accessTokenTtlSec?: number;
}

/**
 * A real OpenID Connect provider (npm oidc-provider) in a child process, for tests of sign-in with an operator's
 * identity provider. Its port and signing key are chosen first, so the gateway can be configured with the issuer
 * before the provider learns the gateway's redirect URI. The test also holds the signing key, to mint tokens as
 * the provider would (and forge ones it would not).
 */
export class TestIdp {
  private child: ChildProcess | undefined;
  private redirects: [string[], string[]] = [[], []];
  /** Published keys, the signing one first. */
  private jwks: object[] = [];
  kid = '';
  privateKey!: KeyLike;

  private constructor(
    readonly options: TestIdpOptions,
    readonly port: number,
  ) {}

  static async create(options: TestIdpOptions): Promise<TestIdp> {
    const idp = new TestIdp(options, await freePort());
    await idp.newKey();
    return idp;
  }

  private async newKey(): Promise<void> {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    this.kid = `test-${Date.now().toString(36)}-${this.jwks.length}`;
    this.privateKey = privateKey;
    this.jwks = [{ ...(await exportJWK(privateKey)), kid: this.kid, alg: 'RS256', use: 'sig' }, ...this.jwks];
  }

  /** Restarts the provider signing with a new key (the old one still published), as a key rotation does. */
  async rotateKey(): Promise<void> {
    await this.newKey();
    await this.stop();
    await this.start(...this.redirects);
  }

  get issuer(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Gateway environment trusting this provider. */
  gatewayEnv(): Record<string, string> {
    return {
      AUTH_MODE: 'jwt',
      OIDC_ISSUER: this.issuer,
      OIDC_CLIENT_ID: this.options.clientId,
      OIDC_AUDIENCE: this.options.audience,
      OIDC_PROVIDER_NAME: 'Test IdP',
    };
  }

  /** Starts the provider, which accepts the web client's sign-in redirects to `redirectUris`. */
  async start(redirectUris: string[], postLogoutRedirectUris: string[] = []): Promise<void> {
    this.redirects = [redirectUris, postLogoutRedirectUris];
    const settings = { ...this.options, port: this.port, keys: this.jwks, redirectUris, postLogoutRedirectUris };
    const child = spawn(process.execPath, [SCRIPT, JSON.stringify(settings)], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const stderr: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const lines = createInterface({ input: child.stdout! });
    await new Promise<void>((done, fail) => {
      child.once('exit', (code) => fail(new Error(`oidc-provider exited (${code}): ${stderr.join('')}`)));
      lines.once('line', () => done());
    });
  }

  /** A token as the provider signs them (its key, key id, issuer and audience); the options override to forge one. */
  sign(
    claims: JWTPayload,
    options: { expiresIn?: string | number; header?: Record<string, unknown>; key?: KeyLike; issuer?: string; audience?: string } = {},
  ): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'at+jwt', ...options.header })
      .setIssuer(options.issuer ?? this.issuer)
      .setAudience(options.audience ?? this.options.audience)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '10m')
      .sign(options.key ?? this.privateKey);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
}
