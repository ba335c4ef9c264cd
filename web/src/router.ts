import { useEffect, useState } from 'react';

/** Hash routes: #/catalog, #/scenario/:id, #/practice/:sessionId, #/history, #/history/:sessionId[?turn=N], #/progress. */
export type Route =
  | { name: 'catalog' }
  | { name: 'scenario'; id: string }
  | { name: 'practice'; sessionId: string }
  | { name: 'history' }
  | { name: 'replay'; sessionId: string; turn?: number }
  | { name: 'chat'; sessionId: string }
  | { name: 'live'; sessionId: string }
  | { name: 'free' }
  | { name: 'progress' };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const [, page, id] = path.split('/');
  if (page === 'scenario' && id) return { name: 'scenario', id };
  if (page === 'practice' && id) return { name: 'practice', sessionId: id };
  if (page === 'history' && id) {
    const turn = new URLSearchParams(query).get('turn');
    return turn !== null && /^\d+$/.test(turn) ? { name: 'replay', sessionId: id, turn: Number(turn) } : { name: 'replay', sessionId: id };
  }
  if (page === 'history') return { name: 'history' };
  if (page === 'chat' && id) return { name: 'chat', sessionId: id };
  if (page === 'live' && id) return { name: 'live', sessionId: id };
  if (page === 'free') return { name: 'free' };
  if (page === 'progress') return { name: 'progress' };
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
