import type { ErrorBody } from '@parley/contracts';
import { ApiError, reportUnauthorized, session } from '../api/client';

/** One server-sent event of a reply stream (SPEC §8). */
export interface StreamEvent {
  id: string;
  event: 'stream' | 'token' | 'done' | 'error' | string;
  data: unknown;
}

/** How a read of a reply stream ended. */
export type StreamOutcome = 'finished' | 'dropped';

/**
 * Opens a reply stream with fetch (EventSource cannot POST nor send the bearer token) and hands every event to
 * `onEvent` as it arrives. Answers 'finished' after `done` or `error`, 'dropped' when the connection ended or broke
 * before that (the caller resumes with the last id). A refused request (409, 413, 422...) throws an ApiError.
 */
export async function readStream(
  path: string,
  init: { method: 'GET' | 'POST'; body?: unknown; lastEventId?: string; signal: AbortSignal },
  onEvent: (event: StreamEvent) => void,
): Promise<StreamOutcome> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  const token = session.token();
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.lastEventId) headers['last-event-id'] = init.lastEventId;
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
      cache: 'no-store',
    });
  } catch {
    if (init.signal.aborted) return 'dropped';
    throw new ApiError({ code: 'unavailable', status: 0, message: 'Parley cannot be reached; check your connection.', retryable: true });
  }
  if (!response.ok || !response.headers.get('content-type')?.startsWith('text/event-stream')) {
    const payload = await response.json().catch(() => ({}));
    const error: ErrorBody = payload.error ?? { code: 'internal', status: response.status, message: response.statusText, retryable: true };
    if (error.code === 'unauthorized') reportUnauthorized(error.message);
    throw new ApiError({ ...error, status: error.status ?? response.status });
  }
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return 'dropped';
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = parseBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (!event) continue;
        onEvent(event);
        if (event.event === 'done' || event.event === 'error') {
          void reader.cancel().catch(() => undefined);
          return 'finished';
        }
      }
    }
  } catch {
    return 'dropped';
  }
}

/** One block of `field: value` lines; comments (heartbeats) and unknown blocks give null. */
export function parseBlock(block: string): StreamEvent | null {
  let id = '';
  let event = '';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (!event) return null;
  const text = data.join('\n');
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { id, event, data: parsed };
}
