import { Suspense, lazy } from 'react';

/** The room and its charts load on demand: most visits never open a live practice. */
const Room = lazy(() => import('./Room'));

/** `#/live/:sessionId`: the realtime voice room (SPEC §7). */
export function LiveRoom({ sessionId }: { sessionId: string }) {
  return (
    <Suspense fallback={<p aria-busy="true">Loading the live room…</p>}>
      <Room sessionId={sessionId} />
    </Suspense>
  );
}
