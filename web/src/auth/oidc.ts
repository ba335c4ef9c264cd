import type { AuthConfigResponse } from '@parley/contracts';
import { InMemoryWebStorage, UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import { session } from '../api/client';
import { CALLBACK_PATH } from './callback';

export type OidcSettings = NonNullable<AuthConfigResponse['oidc']>;

const SETTINGS_KEY = 'parley.oidc';

function manager(settings: OidcSettings): UserManager {
  return new UserManager({
    authority: settings.issuer,
    client_id: settings.clientId,
    redirect_uri: `${window.location.origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${window.location.origin}/`,
    response_type: 'code',
    scope: settings.scopes,
    // An access token for our API: `resource` (RFC 8707) and Auth0's `audience` name it; others ignore them.
    ...(settings.audience ? { resource: settings.audience, extraQueryParams: { audience: settings.audience } } : {}),
    // PKCE state survives the round trip through the provider; the tokens themselves live in our session only.
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    loadUserInfo: false,
    automaticSilentRenew: false,
    monitorSession: false,
  });
}

/** Leaves for the provider's sign-in page (authorization code + PKCE S256). */
export async function startOidcSignIn(settings: OidcSettings): Promise<void> {
  // The callback page needs the same settings; it may load before the gateway answers again.
  sessionStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
  await manager(settings).signinRedirect();
}

/**
 * Finishes a sign-in on the callback page: exchanges the code (checking state and the PKCE verifier), keeps the
 * bearer token (the access token for our API when an audience is configured, else the ID token) and leaves the
 * callback URL, so a reload does not replay the code. Throws with a message fit for the sign-in screen.
 */
export function completeOidcSignIn(): Promise<string> {
  // Once per page load: the code and its PKCE verifier are single-use (React's strict mode runs effects twice).
  completion ??= complete();
  return completion;
}
let completion: Promise<string> | undefined;

async function complete(): Promise<string> {
  const params = new URLSearchParams(window.location.search);
  const stored = sessionStorage.getItem(SETTINGS_KEY);
  window.history.replaceState(null, '', '/#/catalog');
  if (params.get('error')) {
    throw new Error(`The identity provider did not sign you in: ${params.get('error_description') ?? params.get('error')}.`);
  }
  if (!stored) throw new Error('That sign-in link is stale; sign in again.');
  const settings = JSON.parse(stored) as OidcSettings;
  let user: User;
  try {
    user = await manager(settings).signinRedirectCallback(`${window.location.origin}${CALLBACK_PATH}?${params}`);
  } catch (error) {
    throw new Error(`Sign-in could not be completed (${(error as Error).message}); sign in again.`);
  }
  const token = settings.audience ? user.access_token : user.id_token;
  if (!token) throw new Error('The identity provider returned no usable token; ask your administrator.');
  const name = displayName(user);
  session.save(token, name, { idToken: user.id_token, oidc: settings });
  return name;
}

function displayName(user: User): string {
  const { preferred_username, name, email, sub } = user.profile;
  return preferred_username ?? name ?? email ?? sub;
}

/** Ends the provider's session too when it offers RP-initiated logout; our own session is already cleared. */
export async function oidcSignOut(settings: OidcSettings, idToken: string | undefined): Promise<boolean> {
  const users = manager(settings);
  const metadata = await users.metadataService.getMetadata().catch(() => undefined);
  if (!metadata?.end_session_endpoint) return false;
  await users.signoutRedirect({ ...(idToken ? { id_token_hint: idToken } : {}) });
  return true;
}
