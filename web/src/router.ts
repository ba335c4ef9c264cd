import { useEffect, useState } from 'react';

/** Hash routes: #/catalog, #/scenario/:id, #/practice/:sessionId, #/history, #/history/:sessionId. */
export type Route =
  | { name: 'catalog' }
  | { name: 'scenario'; id: string }
  | { name: 'practice'; sessionId: string }
  | { name: 'history' }
  | { name: 'replay'; sessionId: string }
  | { name: 'chat'; sessionId: string }
  | { name: 'live'; sessionId: string }
  | { name: 'free' };

export function parseRoute(hash: string): Route {
  const [, page, id] = hash.replace(/^#/, '').split('/');
  if (page === 'scenario' && id) return { name: 'scenario', id };
  if (page === 'practice' && id) return { name: 'practice', sessionId: id };
  if (page === 'history' && id) return { name: 'replay', sessionId: id };
  if (page === 'history') return { name: 'history' };
  if (page === 'chat' && id) return { name: 'chat', sessionId: id };
  if (page === 'live' && id) return { name: 'live', sessionId: id };
  if (page === 'free') return { name: 'free' };
  return { name: 'catalog' };
}

export const navigate = (path: string) => (window.location.hash = path);

/** Navigation steps since sign-in: sent as `historyStepCount` when the history is listed (SPEC §5). */
let steps = 0;
export const stepsTaken = () => steps;
export const resetSteps = () => (steps = 0);

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => {
      steps++;
      setRoute(parseRoute(window.location.hash));
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
