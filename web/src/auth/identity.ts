/** Pure helpers of local sign-in. */

/** The dev-token endpoint accepts user ids of letters, digits and `. _ @ -`, at most 64 characters. */
export const USER_ID_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

/**
 * A user id from the name the trainee typed: "Ada Lovelace" → "ada.lovelace", "José Núñez" → "jose.nunez".
 * An e-mail address or an id that is already valid is kept (lower-cased).
 */
export function userIdFromName(name: string): string {
  const trimmed = name.trim().toLowerCase();
  if (USER_ID_PATTERN.test(trimmed)) return trimmed;
  return trimmed
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, '.')
    .replace(/[^a-z0-9._@-]/g, '')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.]+|[.]+$/g, '')
    .slice(0, 64);
}

/** Seconds since the epoch at which a JWT expires, or null when it does not say (or is not a JWT). */
export function tokenExpiry(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp : null;
  } catch {
    return null;
  }
}

export function tokenExpired(token: string, nowMs = Date.now()): boolean {
  const exp = tokenExpiry(token);
  return exp !== null && exp * 1000 <= nowMs;
}
