import type { ErrorBody } from '@parley/contracts';

const TOKEN_KEY = 'parley.token';
const USER_KEY = 'parley.user';

/** An API failure with the server's error code, message and retry hint. */
export class ApiError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
  }
}

export const session = {
  token: () => localStorage.getItem(TOKEN_KEY),
  user: () => localStorage.getItem(USER_KEY),
  save(token: string, user: string) {
    localStorage.setItem(TOKEN_KEY, token);
    localStorage.setItem(USER_KEY, user);
  },
  clear() {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(USER_KEY);
  },
};

/** Called when the server says the token is no longer valid. */
let onUnauthorized: () => void = () => undefined;
export const setUnauthorizedHandler = (handler: () => void) => (onUnauthorized = handler);

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
    if (error.code === 'unauthorized') onUnauthorized();
    throw new ApiError(error);
  }
  return payload as T;
}

export async function signIn(userId: string): Promise<void> {
  const { token } = await request<{ token: string }>('POST', '/api/auth/dev-token', { userId });
  session.save(token, userId);
}
