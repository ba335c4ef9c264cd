import { useSyncExternalStore } from 'react';
import { tokenExpired } from './identity';

export interface SignedIn {
  token: string;
  userId: string;
  /** The name as the trainee typed it. */
  displayName: string;
  roles: string[];
}

export interface AuthSnapshot {
  user: SignedIn | null;
  /** Why the trainee is looking at the sign-in page, when it was not their choice. */
  notice: string | null;
}

const STORAGE_KEY = 'parley.auth';

function load(): SignedIn | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as SignedIn;
    if (typeof parsed?.token !== 'string' || typeof parsed.userId !== 'string') return null;
    return parsed;
  } catch {
    return null;
  }
}

let snapshot: AuthSnapshot = (() => {
  const user = load();
  if (user && tokenExpired(user.token)) {
    localStorage.removeItem(STORAGE_KEY);
    return { user: null, notice: 'Your sign-in expired. Sign in again to continue.' };
  }
  return { user, notice: null };
})();
const listeners = new Set<() => void>();
const signInListeners = new Set<() => void>();

function set(next: AuthSnapshot): void {
  snapshot = next;
  listeners.forEach((listener) => listener());
}

/** The signed-in trainee, kept in localStorage so a reload keeps them signed in. */
export const authStore = {
  get: (): AuthSnapshot => snapshot,
  token: (): string | null => snapshot.user?.token ?? null,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** Runs whenever someone signs in (resets per-sign-in counters). */
  onSignIn(listener: () => void): () => void {
    signInListeners.add(listener);
    return () => signInListeners.delete(listener);
  },
  signIn(user: SignedIn): void {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(user));
    } catch {
      // Private mode without storage: signed in for this page only.
    }
    signInListeners.forEach((listener) => listener());
    set({ user, notice: null });
  },
  signOut(notice: string | null = null): void {
    try {
      localStorage.removeItem(STORAGE_KEY);
    } catch {
      // ignore
    }
    if (snapshot.user || notice !== snapshot.notice) set({ user: null, notice });
  },
  /** A 401 from the API or the socket: back to sign-in, saying why. */
  expired(): void {
    if (snapshot.user) authStore.signOut('Your sign-in is no longer valid. Sign in again to continue.');
  },
};

export function useAuth(): AuthSnapshot {
  return useSyncExternalStore(authStore.subscribe, authStore.get, authStore.get);
}
