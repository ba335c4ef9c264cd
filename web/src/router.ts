import { useSyncExternalStore } from 'react';

/**
 * A tiny History API router: routes are parsed from `location.pathname` (pure), `navigate()` pushes, `<Link>`
 * (ui/Link.tsx) intercepts plain clicks, and the back/forward buttons work through `popstate`. The gateway serves
 * index.html for every GET outside /api, so every route survives a reload.
 */

export type Route =
  | { name: 'catalog' }
  | { name: 'scenario'; scenarioId: string }
  | { name: 'practice'; sessionId: string }
  | { name: 'history' }
  | { name: 'session'; sessionId: string }
  | { name: 'signin' }
  | { name: 'not_found' };

const patterns: Array<[RegExp, (m: RegExpMatchArray) => Route]> = [
  [/^\/$/, () => ({ name: 'catalog' })],
  [/^\/scenarios\/?$/, () => ({ name: 'catalog' })],
  [/^\/scenarios\/([^/]+)\/?$/, (m) => ({ name: 'scenario', scenarioId: decodeURIComponent(m[1]!) })],
  [/^\/practice\/([^/]+)\/?$/, (m) => ({ name: 'practice', sessionId: decodeURIComponent(m[1]!) })],
  [/^\/history\/?$/, () => ({ name: 'history' })],
  [/^\/history\/([^/]+)\/?$/, (m) => ({ name: 'session', sessionId: decodeURIComponent(m[1]!) })],
  [/^\/signin\/?$/, () => ({ name: 'signin' })],
];

export function parseRoute(pathname: string): Route {
  for (const [pattern, build] of patterns) {
    const match = pathname.match(pattern);
    if (match) {
      try {
        return build(match);
      } catch {
        return { name: 'not_found' };
      }
    }
  }
  return { name: 'not_found' };
}

export const paths = {
  catalog: () => '/',
  scenario: (id: string) => `/scenarios/${encodeURIComponent(id)}`,
  practice: (sessionId: string) => `/practice/${encodeURIComponent(sessionId)}`,
  history: () => '/history',
  session: (sessionId: string) => `/history/${encodeURIComponent(sessionId)}`,
};

export interface Location {
  pathname: string;
  search: string;
}

type Listener = () => void;
/** Called with the new pathname whenever the page (pathname, not only the query) changes. */
type PageListener = (pathname: string, previous: string) => void;

const listeners = new Set<Listener>();
const pageListeners = new Set<PageListener>();
let current: Location = read();

function read(): Location {
  return typeof window === 'undefined' ? { pathname: '/', search: '' } : { pathname: window.location.pathname, search: window.location.search };
}

function update(): void {
  const previous = current;
  const next = read();
  if (next.pathname === previous.pathname && next.search === previous.search) return;
  current = next;
  listeners.forEach((l) => l());
  if (next.pathname !== previous.pathname) pageListeners.forEach((l) => l(next.pathname, previous.pathname));
}

if (typeof window !== 'undefined') window.addEventListener('popstate', update);

export interface NavigateOptions {
  /** Replace the current history entry (filters, redirects) instead of adding one. */
  replace?: boolean;
}

export function navigate(to: string, options: NavigateOptions = {}): void {
  const url = new URL(to, window.location.href);
  const target = `${url.pathname}${url.search}${url.hash}`;
  if (target === `${current.pathname}${current.search}` && !url.hash) return;
  if (options.replace) window.history.replaceState(null, '', target);
  else window.history.pushState(null, '', target);
  update();
  if (!options.replace && url.pathname !== window.location.pathname) return;
}

export function subscribeLocation(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Page changes (pathname), for the history step counter and focus management. */
export function onPageChange(listener: PageListener): () => void {
  pageListeners.add(listener);
  return () => pageListeners.delete(listener);
}

const getLocation = () => current;

export function useLocation(): Location {
  return useSyncExternalStore(subscribeLocation, getLocation, getLocation);
}

export function useRoute(): Route {
  return parseRoute(useLocation().pathname);
}

/** The query string as an object of strings. */
export function useSearchParams(): URLSearchParams {
  return new URLSearchParams(useLocation().search);
}

/** Replaces the query string of the current page (no new history entry, not counted as a step). */
export function setSearchParams(values: Record<string, string | number | undefined | null>): void {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const search = params.toString();
  navigate(`${current.pathname}${search ? `?${search}` : ''}`, { replace: true });
}
