import { AppError, isUuid } from '@parley/contracts';


/** Session ids are UUIDs: anything else cannot exist, so it is a 404 without asking the session service. */
export function requireSessionId(value: unknown): string {
  if (!isUuid(value)) throw new AppError('not_found', 'No such session');
  return value;
}
