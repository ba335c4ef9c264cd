// A local OpenID Connect provider for tests (npm oidc-provider, which is ES modules only: it runs in its own
// process, started by oidc-idp.ts). Reads its settings as JSON from argv[2]; prints {"issuer": ...} once listening.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const settings = JSON.parse(process.argv[2]);
const server = createServer();
await new Promise((resolve, reject) => server.once('error', reject).listen(settings.port, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const rolesOf = (accountId) => settings.roles?.[accountId];

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: settings.clientId,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: settings.redirectUris,
      post_logout_redirect_uris: settings.postLogoutRedirectUris ?? [],
    },
  ],
  jwks: { keys: settings.keys },
  // Any login and password signs in as that account; its roles come from the settings.
  findAccount: (_ctx, accountId) => ({
    accountId,
    claims: () => ({ sub: accountId, name: accountId, ...(rolesOf(accountId) ? { roles: rolesOf(accountId) } : {}) }),
  }),
  claims: { openid: ['sub', 'roles'], profile: ['name'] },
  conformIdTokenClaims: false,
  extraTokenClaims: (_ctx, token) => (token.accountId && rolesOf(token.accountId) ? { roles: rolesOf(token.accountId) } : undefined),
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => settings.audience,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        if (resource !== settings.audience) throw new Error(`unknown resource ${resource}`);
        return { scope: 'api', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: settings.accessTokenTtlSec ?? 3600, jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
  ttl: { IdToken: settings.accessTokenTtlSec ?? 3600 },
});
provider.on('server_error', (_ctx, error) => console.error('oidc-provider server_error', error));
server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
