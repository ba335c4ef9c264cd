import { PRACTICE_NAMESPACE, type ScenarioView } from '@parley/contracts';
import { TestPlatform, api, sleep } from '@parley/testing';
import { generateKeyPair, SignJWT } from 'jose';
import { io } from 'socket.io-client';
import { TestIdp } from '../../../libs/testing/src/oidc-idp';
import { TokenService } from '../src/auth/token.service';
import { loadGatewayConfig } from '../src/config';
import { PracticeClient } from './practice-client';
import { readSse } from './sse-client';

const SCENARIO = 'support-double-charge';
const AUDIENCE = 'https://api.parley.test';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The socket.io handshake's answer to `token`: connected, or the refusal's error data. */
async function handshake(gateway: string, token: string): Promise<{ connected: true } | { connected: false; data: any }> {
  const socket = io(`${gateway}${PRACTICE_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
  try {
    return await new Promise((resolve) => {
      socket.once('connect', () => resolve({ connected: true }));
      socket.once('connect_error', (error: Error & { data?: unknown }) => resolve({ connected: false, data: error.data }));
    });
  } finally {
    socket.disconnect();
  }
}

/** AUTH_MODE=jwt with an OpenID Connect issuer: only tokens the issuer signed for our audience get in, on every transport. */
describe('jwt mode with an OIDC issuer', () => {
  let idp: TestIdp;
  let platform: TestPlatform;
  let gateway: string;

  beforeAll(async () => {
    idp = await TestIdp.create({ clientId: 'parley-web', audience: AUDIENCE });
    await idp.start(['http://127.0.0.1/auth/callback']);
    platform = await TestPlatform.start({ services: ['gateway', 'session', 'turn-pipeline'], env: idp.gatewayEnv() });
    gateway = platform.url('gateway');
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await idp?.stop();
  });

  it('tells the web client to sign in at the issuer, and has no dev tokens', async () => {
    const config = await api(gateway, 'GET', '/api/auth/config');
    expect(config.status).toBe(200);
    expect(config.body).toEqual({
      mode: 'jwt',
      oidc: { issuer: idp.issuer, clientId: 'parley-web', audience: AUDIENCE, scopes: 'openid profile email', providerName: 'Test IdP' },
    });
    const dev = await api(gateway, 'POST', '/api/auth/dev-token', { body: { userId: 'mallory', roles: ['author'] } });
    expect(dev.status).toBe(404);
  });

  it('refuses expired, wrongly signed, unsigned, HS256-confused, foreign-issuer, other-audience and unknown-key tokens on REST, SSE and the socket handshake', async () => {
    const other = await generateKeyPair('RS256');
    const jwks = (await api(idp.issuer, 'GET', '/jwks')).body as { keys: Array<{ n: string }> };
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'mallory', roles: ['author'] };
    const refused: Record<string, string> = {
      expired: await idp.sign(claims, { expiresIn: now - 60 }),
      'wrongly signed': await idp.sign(claims, { key: other.privateKey }),
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, iss: idp.issuer, aud: AUDIENCE, exp: now + 600 })}.`,
      // The issuer's public modulus used as an HMAC secret: accepted by libraries that let the token pick the algorithm.
      'HS256 with the public key': await new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'HS256', kid: idp.kid })
        .setIssuer(idp.issuer)
        .setAudience(AUDIENCE)
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(jwks.keys[0]!.n)),
      'wrong issuer': await idp.sign(claims, { issuer: 'http://127.0.0.1:1/elsewhere' }),
      'wrong audience': await idp.sign(claims, { audience: 'https://another-api.test' }),
      'unknown kid': await idp.sign(claims, { key: other.privateKey, header: { kid: 'rotated-away' } }),
      garbage: 'not.a.token',
    };
    const sessionId = '00000000-0000-4000-8000-000000000000';
    for (const [name, token] of Object.entries(refused)) {
      const rest = await api(gateway, 'GET', '/api/scenarios', { token });
      expect({ name, status: rest.status, code: rest.body.error?.code }).toEqual({ name, status: 401, code: 'unauthorized' });
      const sse = await readSse(`${gateway}/api/chat/streaming`, { method: 'POST', token, body: { sessionId, message: 'hello' } });
      expect({ name, status: sse.status, events: sse.events.length }).toEqual({ name, status: 401, events: 0 });
      const socket = await handshake(gateway, token);
      expect({ name, socket }).toEqual({ name, socket: { connected: false, data: expect.objectContaining({ code: 'unauthorized', retryable: false }) } });
    }
    const expired = await api(gateway, 'GET', '/api/scenarios', { token: refused.expired });
    expect(expired.body.error.message).toMatch(/expired/);
  });

  it("accepts the issuer's token on REST, SSE and the socket, with roles from its claim (default trainee)", async () => {
    const author = await idp.sign({ sub: 'idp-author', roles: ['author', 'not-a-parley-role'] });
    const asAuthor = await api<ScenarioView>(gateway, 'GET', `/api/scenarios/${SCENARIO}`, { token: author });
    expect(asAuthor.status).toBe(200);
    expect(asAuthor.body.script?.nodes.length).toBeGreaterThan(1); // the author's view

    const trainee = await idp.sign({ sub: 'idp-trainee' });
    const asTrainee = await api<ScenarioView>(gateway, 'GET', `/api/scenarios/${SCENARIO}`, { token: trainee });
    expect(asTrainee.status).toBe(200);
    expect(asTrainee.body.script).toBeUndefined();

    const created = await api(gateway, 'POST', '/api/sessions', {
      token: trainee,
      body: { scenarioId: SCENARIO, mode: 'text', clientSessionStartedAt: new Date().toISOString() },
    });
    expect(created.status).toBe(201);
    const sessionId = created.body.session.id as string;

    const client = await PracticeClient.connect(gateway, trainee);
    try {
      expect((await client.join(sessionId)).session.id).toBe(sessionId);
    } finally {
      client.socket.disconnect();
    }

    for (let i = 0; i < 200; i++) {
      const state = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token: trainee });
      if (state.body.turns?.some((t: { sequence: number }) => t.sequence === 0)) break;
      await sleep(50);
    }
    const stream = await readSse(`${gateway}/api/chat/streaming`, {
      method: 'POST',
      token: trainee,
      body: { sessionId, message: 'Could you please verify the email on your account for me?' },
    });
    expect(stream.status).toBe(200);
    expect(stream.events.at(-1)?.event).toBe('done');

    // The session is the IdP subject's: another subject does not see it.
    const stranger = await idp.sign({ sub: 'idp-stranger' });
    expect((await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token: stranger })).status).toBe(404);
  });

  it('follows a key rotation: a token naming a new key id gets in once the key set is fetched again', async () => {
    const before = await idp.sign({ sub: 'idp-rotation' });
    expect((await api(gateway, 'GET', '/api/scenarios', { token: before })).status).toBe(200);
    await idp.rotateKey();
    const after = await idp.sign({ sub: 'idp-rotation' });
    // The cached key set lacks the new key id: jose fetches it again, at most once per 30 s cooldown.
    const deadline = Date.now() + 45_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await api(gateway, 'GET', '/api/scenarios', { token: after })).status;
      if (status === 200) break;
      expect(status).toBe(401);
      await sleep(1000);
    }
    expect(status).toBe(200);
    expect((await api(gateway, 'GET', '/api/scenarios', { token: before })).status).toBe(200); // still published
  }, 90_000);
});

/** Without OIDC_AUDIENCE the web client sends its ID token: the audience to check is the client id. */
describe('jwt mode with an OIDC issuer and no API audience', () => {
  let idp: TestIdp;

  beforeAll(async () => {
    idp = await TestIdp.create({ clientId: 'parley-web', audience: AUDIENCE });
    await idp.start(['http://127.0.0.1/auth/callback']);
  });

  afterAll(() => idp?.stop());

  it("accepts ID tokens issued to the web client, and refuses tokens for another audience", async () => {
    const { OIDC_AUDIENCE: _unused, ...env } = idp.gatewayEnv();
    const tokens = new TokenService(loadGatewayConfig({ ...env, OIDC_ROLES_CLAIM: 'realm_access.roles' }));
    expect(tokens.clientConfig().oidc?.audience).toBeUndefined();
    const idToken = await idp.sign({ sub: 'ana', realm_access: { roles: ['author'] } }, { audience: 'parley-web', header: { typ: 'JWT' } });
    await expect(tokens.verify(idToken)).resolves.toEqual({ userId: 'ana', roles: ['author'] });
    const accessToken = await idp.sign({ sub: 'ana' });
    await expect(tokens.verify(accessToken)).rejects.toMatchObject({ code: 'unauthorized', message: 'Invalid access token' });
  });
});
