import type { AuthConfigResponse, ErrorBody } from '@parley/contracts';

const TOKEN_KEY = 'parley.token';
const USER_KEY = 'parley.user';
/** How the token was had: the identity provider's settings and ID token (for signing out there), absent in dev mode. */
const SIGN_IN_KEY = 'parley.signIn';

export interface SignInDetails {
  idToken?: string;
  oidc?: NonNullable<AuthConfigResponse['oidc']>;
}

/** An API failure with the server's error code, message and retry hint. */
export class ApiError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
  }
}

/** The bearer token sent on REST, SSE and the socket handshake, and who it belongs to. */
export const session = {
  token: () => localStorage.getItem(TOKEN_KEY),
  user: () => localStorage.getItem(USER_KEY),
  details: (): SignInDetails => JSON.parse(localStorage.getItem(SIGN_IN_KEY) ?? '{}') as SignInDetails,
  /** When the token stops being accepted (its `exp`), in ms since the epoch; null if it does not say. */
  expiresAt(): number | null {
    const payload = session.token()?.split('.')[1];
    if (!payload) return null;
    try {
      const { exp } = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
      return typeof exp === 'number' ? exp * 1000 : null;
    } catch {
      return null;
    }
  },
  save(token: string, user: string, details: SignInDetails = {}) {
    localStorage.setItem(TOKEN_KEY, token);
    localStorage.setItem(USER_KEY, user);
    localStorage.setItem(SIGN_IN_KEY, JSON.stringify(details));
  },
  clear() {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(USER_KEY);
    localStorage.removeItem(SIGN_IN_KEY);
  },
};

/** Called with the server's reason when it says the token is no longer valid (expired, revoked, forged). */
let onUnauthorized: (reason: string) => void = () => undefined;
export const setUnauthorizedHandler = (handler: (reason: string) => void) => (onUnauthorized = handler);
/** For transports other than {@link request} (SSE) that learn the token was refused. */
export const reportUnauthorized = (reason: string) => onUnauthorized(reason);

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const token = session.token();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError({ code: 'unavailable', status: 0, message: 'Parley cannot be reached; check your connection.', retryable: true });
  }
  if (response.status === 204) return undefined as T;
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error: ErrorBody = payload.error ?? { code: 'internal', status: response.status, message: response.statusText, retryable: true };
    if (error.code === 'unauthorized') onUnauthorized(error.message);
    throw new ApiError(error);
  }
  return payload as T;
}

/** How to sign in: the gateway's public auth settings. */
export const authConfig = () => request<AuthConfigResponse>('GET', '/api/auth/config');

/** Dev mode: a token for a name (POST /api/auth/dev-token, absent in jwt mode). */
export async function signIn(userId: string): Promise<void> {
  const { token } = await request<{ token: string }>('POST', '/api/auth/dev-token', { userId });
  session.save(token, userId);
}
