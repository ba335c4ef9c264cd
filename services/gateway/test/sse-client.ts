/** A server-sent event as a browser's EventSource would see it. */
export interface SseEvent {
  id: string;
  event: string;
  data: any;
}

/**
 * Reads a `text/event-stream` response the way a client does; `stopAfter` closes the connection early (a dropped
 * stream) once it returns true for an event.
 */
export async function readSse(
  url: string,
  init: { method?: string; token: string; body?: unknown; lastEventId?: string },
  stopAfter: (event: SseEvent, events: SseEvent[]) => boolean = () => false,
): Promise<{ status: number; headers: Headers; events: SseEvent[]; body?: any }> {
  const controller = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${init.token}`, accept: 'text/event-stream' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.lastEventId !== undefined) headers['last-event-id'] = init.lastEventId;
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: controller.signal,
  });
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
    return { status: response.status, headers: response.headers, events: [], body: await response.json().catch(() => undefined) };
  }
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body!.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = parseBlock(block);
        if (!event) continue;
        events.push(event);
        if (stopAfter(event, events)) {
          controller.abort();
          return { status: response.status, headers: response.headers, events };
        }
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  return { status: response.status, headers: response.headers, events };
}

function parseBlock(block: string): SseEvent | null {
  const fields: Record<string, string> = {};
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue; // comments are heartbeats
    const colon = line.indexOf(':');
    fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
  }
  if (!fields.event) return null;
  return { id: fields.id ?? '', event: fields.event, data: fields.data ? JSON.parse(fields.data) : null };
}
