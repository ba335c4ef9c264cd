import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields added to every log line written while handling one request, command, event or job. */
export interface LogFields {
  correlationId?: string;
  traceId?: string;
  sessionId?: string;
  turnId?: string;
  userId?: string;
  jobId?: string;
}

const storage = new AsyncLocalStorage<LogFields>();

/** Runs `work` with `fields` merged into the current log context. */
export function withLogContext<T>(fields: LogFields, work: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, work);
}

/** Adds fields to the current context (e.g. the session id once a handler has parsed it). */
export function addLogFields(fields: LogFields): void {
  const store = storage.getStore();
  if (store) Object.assign(store, fields);
}

export function currentLogFields(): LogFields {
  return storage.getStore() ?? {};
}

/** Extracts the trace id from a W3C traceparent header (version-traceid-spanid-flags). */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const parts = traceparent?.split('-');
  return parts && parts.length === 4 ? parts[1] : undefined;
}
