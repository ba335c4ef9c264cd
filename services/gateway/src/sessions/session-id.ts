import { AppError } from '@parley/contracts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Session ids are UUIDs: anything else cannot exist, so it is a 404 without asking the session service. */
export function requireSessionId(value: unknown): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new AppError('not_found', 'No such session');
  return value;
}
