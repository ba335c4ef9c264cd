import { AppError, type SessionStatus } from '@parley/contracts';

/** Allowed status changes (SPEC §3); anything else is a bug or a race another writer won. */
const transitions: Record<SessionStatus, readonly SessionStatus[]> = {
  pending: ['active', 'ending', 'failed'],
  active: ['ending', 'failed'],
  ending: ['ended', 'failed'],
  ended: [],
  failed: [],
};

export function canTransition(from: SessionStatus, to: SessionStatus): boolean {
  return transitions[from].includes(to);
}

export function assertTransition(from: SessionStatus, to: SessionStatus): void {
  if (!canTransition(from, to)) throw new AppError('conflict', `A session cannot go from ${from} to ${to}`);
}

export { isOpenStatus as isOpen } from '@parley/contracts';
export const LIVE_STATUSES: SessionStatus[] = ['pending', 'active', 'ending'];
