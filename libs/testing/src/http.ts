/** Small HTTP helpers for tests that talk to a running gateway the way a client would. */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function api<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: RequestInit['body'];
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (metrics, HTML): keep the text.
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

export async function devToken(baseUrl: string, userId: string, roles: string[] = ['trainee']): Promise<string> {
  const response = await api<{ token: string }>(baseUrl, 'POST', '/api/auth/dev-token', { body: { userId, roles } });
  if (response.status !== 201) throw new Error(`dev token failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.token;
}
