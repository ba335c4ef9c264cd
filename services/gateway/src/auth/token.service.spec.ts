import { Logger } from '@nestjs/common';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import jwt from 'jsonwebtoken';
import { loadGatewayConfig } from '../config';
import { rolesFromClaim, TokenService } from './token.service';

const SECRET = 'a-shared-secret-of-enough-length';

/** The token modes that need no identity provider process (the OIDC issuer is covered by test/auth-jwt.spec.ts). */
describe('token service', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('dev mode issues tokens it accepts, with the roles asked for', async () => {
    const tokens = new TokenService(loadGatewayConfig({}));
    const token = tokens.issueDevToken({ userId: 'ana', roles: ['author'] });
    await expect(tokens.verify(token)).resolves.toEqual({ userId: 'ana', roles: ['author'] });
    expect(tokens.clientConfig()).toEqual({ mode: 'dev' });
  });

  it('jwt mode with a shared secret accepts HS256 tokens for its issuer and audience only, and issues none', async () => {
    const tokens = new TokenService(loadGatewayConfig({ AUTH_MODE: 'jwt', JWT_SECRET: SECRET, JWT_ISSUER: 'idp', JWT_AUDIENCE: 'parley' }));
    const good = jwt.sign({ roles: ['author'] }, SECRET, { subject: 'ana', issuer: 'idp', audience: 'parley', expiresIn: 60 });
    await expect(tokens.verify(good)).resolves.toEqual({ userId: 'ana', roles: ['author'] });
    const otherAudience = jwt.sign({}, SECRET, { subject: 'ana', issuer: 'idp', audience: 'elsewhere', expiresIn: 60 });
    await expect(tokens.verify(otherAudience)).rejects.toMatchObject({ code: 'unauthorized', message: 'Invalid access token' });
    const expired = jwt.sign({}, SECRET, { subject: 'ana', issuer: 'idp', audience: 'parley', expiresIn: -10 });
    await expect(tokens.verify(expired)).rejects.toMatchObject({ code: 'unauthorized', message: 'Your sign-in has expired' });
    expect(() => tokens.issueDevToken({ userId: 'ana', roles: ['trainee'] })).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(tokens.clientConfig()).toEqual({ mode: 'jwt' });
  });

  it("jwt mode with a public key accepts the provider's RS256 tokens and refuses the key used as an HMAC secret", async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const pem = await exportSPKI(publicKey);
    const tokens = new TokenService(loadGatewayConfig({ AUTH_MODE: 'jwt', JWT_PUBLIC_KEY: pem }));
    const good = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setSubject('ana').setExpirationTime('1m').sign(privateKey);
    await expect(tokens.verify(good)).resolves.toEqual({ userId: 'ana', roles: ['trainee'] });
    const confused = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('ana').setExpirationTime('1m').sign(new TextEncoder().encode(pem));
    await expect(tokens.verify(confused)).rejects.toMatchObject({ code: 'unauthorized' });
    const noSubject = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setExpirationTime('1m').sign(privateKey);
    await expect(tokens.verify(noSubject)).rejects.toMatchObject({ message: 'Access token lacks a valid subject' });
  });

  it('reads roles from a claim path, an array or a delimited string, keeping only our roles', () => {
    expect(rolesFromClaim({ roles: ['author', 'admin', 'author'] }, 'roles')).toEqual(['author']);
    expect(rolesFromClaim({ realm_access: { roles: ['operator', 'offline_access'] } }, 'realm_access.roles')).toEqual(['operator']);
    expect(rolesFromClaim({ scope: 'trainee author' }, 'scope')).toEqual(['trainee', 'author']);
    expect(rolesFromClaim({ roles: 'author,trainee' }, 'roles')).toEqual(['author', 'trainee']);
    expect(rolesFromClaim({ roles: 42 }, 'roles')).toEqual([]);
    expect(rolesFromClaim({}, 'realm_access.roles')).toEqual([]);
  });

  it('refuses an OIDC issuer without the web client id, and jwt mode without any key', () => {
    expect(() => loadGatewayConfig({ AUTH_MODE: 'jwt', OIDC_ISSUER: 'https://idp.example' })).toThrow(/OIDC_CLIENT_ID/);
    expect(() => loadGatewayConfig({ AUTH_MODE: 'jwt' })).toThrow(/OIDC_ISSUER, JWT_SECRET or JWT_PUBLIC_KEY/);
  });

  it('an unreachable issuer is "unavailable" (retryable), not a bad token', async () => {
    const tokens = new TokenService(
      loadGatewayConfig({ AUTH_MODE: 'jwt', OIDC_ISSUER: 'http://127.0.0.1:9', OIDC_CLIENT_ID: 'parley-web' }),
    );
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('ana').setExpirationTime('1m').sign(privateKey);
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'unavailable', retryable: true });
  });
});
