import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resampleLinear, synthesizeFlite, toInt16 } from '@parley/audio';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A local WebSocket server speaking the OpenAI Realtime wire protocol (beta event names), for tests of the
 * speech-to-speech engine: `session.update`, `input_audio_buffer.append/commit`, `conversation.item.create/delete`,
 * `response.create` (answered with Flite speech resampled to 24 kHz PCM16 in `response.audio.delta` events and the
 * words in `response.audio_transcript.delta`), `response.cancel` and `conversation.item.truncate` (recorded). Its
 * behaviour can be changed at any time: a fixed delay before each response's audio, a refusal of the upgrade (HTTP
 * 401/503), a drop of the connection mid-response or at once.
 *
 *   const fake = await startFakeRealtime();
 *   fake.set({ reply: 'Hello there.', delayMs: 100 });
 *   // REALTIME_BASE_URL = fake.url
 *   expect(fake.truncations[0].audio_end_ms).toBe(700);
 */

export const FAKE_REALTIME_REPLY = 'Hello, this is the fake realtime voice.';
/** Output audio: 16-bit little-endian PCM at 24 kHz. */
export const FAKE_REALTIME_RATE = 24_000;

export interface FakeRealtimeBehaviour {
  /** What the model says, per response; `items` is the provider's conversation at `response.create`. */
  reply: string | ((context: { items: FakeRealtimeItem[]; connection: FakeRealtimeConnection }) => string);
  /** Between `response.create` and the first output (the provider's latency). */
  delayMs: number;
  /** Audio per `response.audio.delta`. */
  chunkMs: number;
  /** Pace of the stream relative to real time (0.5: twice as fast as it plays; 0: as fast as possible). */
  paceFactor: number;
  /** Refuse the WebSocket upgrade with this HTTP status. */
  refuse: 401 | 403 | 503 | null;
  /** Cut the connection (no close frame) after this many audio deltas of a response; once. */
  dropAfterChunks: number | null;
}

export interface FakeRealtimeItem {
  id: string;
  role: 'user' | 'assistant' | 'system';
  text: string;
  /** Assistant items the server generated carry their audio length; truncation shortens it. */
  audioMs?: number;
  truncatedAtMs?: number;
}

export interface FakeRealtimeConnection {
  id: number;
  path: string;
  headers: IncomingHttpHeaders;
  /** Every client event received (audio payloads replaced by their byte count). */
  events: Array<{ type: string; [key: string]: any; receivedAt: number }>;
  items: FakeRealtimeItem[];
  /** The last `session.update`'s session. */
  session: Record<string, any> | null;
  closed: boolean;
}

export interface FakeRealtimeTruncation {
  connection: number;
  item_id: string;
  content_index: number;
  audio_end_ms: number;
  at: number;
}

export interface FakeRealtime {
  /** The endpoint for `REALTIME_BASE_URL` (ws://…/v1/realtime). */
  readonly url: string;
  readonly connections: FakeRealtimeConnection[];
  readonly truncations: FakeRealtimeTruncation[];
  /** Upgrade attempts refused (with their status). */
  readonly refusals: number[];
  /** Client events of `type` over all connections, in order. */
  received(type: string): FakeRealtimeConnection['events'];
  set(behaviour: Partial<FakeRealtimeBehaviour>): void;
  /** Cuts every open connection at once (no close frame, like a network failure). */
  drop(): void;
  close(): Promise<void>;
}

const DEFAULTS: FakeRealtimeBehaviour = {
  reply: FAKE_REALTIME_REPLY,
  delayMs: 0,
  chunkMs: 100,
  paceFactor: 0.5,
  refuse: null,
  dropAfterChunks: null,
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startFakeRealtime(initial: Partial<FakeRealtimeBehaviour> = {}): Promise<FakeRealtime> {
  let behaviour: FakeRealtimeBehaviour = { ...DEFAULTS, ...initial };
  const connections: FakeRealtimeConnection[] = [];
  const truncations: FakeRealtimeTruncation[] = [];
  const refusals: number[] = [];
  const sockets = new Set<WebSocket>();
  const speechCache = new Map<string, Promise<Int16Array>>();
  let ids = 0;

  /** Flite's 16 kHz speech of `text`, at 24 kHz. */
  const speech = (text: string) => {
    let cached = speechCache.get(text);
    if (!cached) {
      cached = synthesizeFlite(text).then((spoken) => resampleLinear(toInt16(spoken.pcm), spoken.sampleRate, FAKE_REALTIME_RATE));
      speechCache.set(text, cached);
    }
    return cached;
  };

  const http = createServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only');
  });
  const wss = new WebSocketServer({ noServer: true });

  http.on('upgrade', (request, socket, head) => {
    if (behaviour.refuse) {
      refusals.push(behaviour.refuse);
      const status = behaviour.refuse;
      const body = JSON.stringify({ error: { message: status === 401 ? 'Incorrect API key provided' : 'Service unavailable', code: status } });
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Service Unavailable'}\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => serve(ws, request.url ?? '/', request.headers));
  });

  function serve(ws: WebSocket, path: string, headers: IncomingHttpHeaders): void {
    sockets.add(ws);
    const connection: FakeRealtimeConnection = { id: connections.length + 1, path, headers, events: [], items: [], session: null, closed: false };
    connections.push(connection);
    const send = (event: object) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event_id: `evt_${++ids}`, ...event }));
    };
    let audioBuffer: Buffer[] = [];
    let active: { id: string; cancelled: boolean } | null = null;

    ws.on('close', () => {
      connection.closed = true;
      sockets.delete(ws);
      if (active) active.cancelled = true;
    });
    ws.on('error', () => undefined);
    send({ type: 'session.created', session: { id: `sess_${connection.id}`, model: new URL(path, 'http://x').searchParams.get('model') } });

    ws.on('message', (data) => {
      let event: Record<string, any>;
      try {
        event = JSON.parse(data.toString());
      } catch {
        return send({ type: 'error', error: { type: 'invalid_request_error', code: 'invalid_json', message: 'Not JSON' } });
      }
      const recorded: FakeRealtimeConnection['events'][number] = { ...event, type: String(event.type), receivedAt: Date.now() };
      if (typeof event.audio === 'string') recorded.audio = Buffer.from(event.audio, 'base64').length;
      connection.events.push(recorded);
      switch (event.type) {
        case 'session.update':
          connection.session = { ...connection.session, ...event.session };
          return send({ type: 'session.updated', session: connection.session });
        case 'input_audio_buffer.append':
          audioBuffer.push(Buffer.from(String(event.audio ?? ''), 'base64'));
          return;
        case 'input_audio_buffer.clear':
          audioBuffer = [];
          return;
        case 'input_audio_buffer.commit': {
          const item: FakeRealtimeItem = { id: `item_in_${++ids}`, role: 'user', text: '' };
          const bytes = audioBuffer.reduce((n, b) => n + b.length, 0);
          audioBuffer = [];
          connection.items.push(item);
          send({ type: 'input_audio_buffer.committed', item_id: item.id });
          send({ type: 'conversation.item.created', item: { id: item.id, type: 'message', role: 'user', content: [{ type: 'input_audio' }] } });
          return send({ type: 'conversation.item.input_audio_transcription.completed', item_id: item.id, content_index: 0, transcript: `(${bytes} bytes of audio)` });
        }
        case 'conversation.item.create': {
          const item = event.item ?? {};
          const created: FakeRealtimeItem = {
            id: item.id ?? `item_${++ids}`,
            role: item.role,
            text: (item.content ?? []).map((part: { text?: string; transcript?: string }) => part.text ?? part.transcript ?? '').join(''),
          };
          connection.items.push(created);
          return send({ type: 'conversation.item.created', item: { ...item, id: created.id } });
        }
        case 'conversation.item.delete': {
          const at = connection.items.findIndex((item) => item.id === event.item_id);
          if (at < 0) return send({ type: 'error', error: { type: 'invalid_request_error', code: 'item_not_found', message: `No item ${event.item_id}` } });
          connection.items.splice(at, 1);
          return send({ type: 'conversation.item.deleted', item_id: event.item_id });
        }
        case 'conversation.item.truncate': {
          const item = connection.items.find((candidate) => candidate.id === event.item_id);
          truncations.push({ connection: connection.id, item_id: event.item_id, content_index: event.content_index, audio_end_ms: event.audio_end_ms, at: Date.now() });
          if (!item || item.role !== 'assistant') {
            return send({ type: 'error', error: { type: 'invalid_request_error', code: 'item_not_found', message: `No assistant item ${event.item_id}` } });
          }
          item.truncatedAtMs = event.audio_end_ms;
          return send({ type: 'conversation.item.truncated', item_id: item.id, content_index: event.content_index, audio_end_ms: event.audio_end_ms });
        }
        case 'response.cancel':
          if (!active) return send({ type: 'error', error: { type: 'invalid_request_error', code: 'response_cancel_not_active', message: 'No active response' } });
          active.cancelled = true;
          return;
        case 'response.create':
          if (active) {
            return send({ type: 'error', error: { type: 'invalid_request_error', code: 'conversation_already_has_active_response', message: 'Active response in progress' } });
          }
          void respond();
          return;
        default:
          return;
      }
    });

    async function respond(): Promise<void> {
      const response = { id: `resp_${++ids}`, cancelled: false };
      active = response;
      const itemId = `item_out_${++ids}`;
      const started = performance.now();
      send({ type: 'response.created', response: { id: response.id, object: 'realtime.response', status: 'in_progress', output: [] } });
      const { reply, delayMs, chunkMs, paceFactor, dropAfterChunks } = behaviour;
      const text = typeof reply === 'function' ? reply({ items: [...connection.items], connection }) : reply;
      const [audio] = await Promise.all([speech(text), sleep(delayMs)]);
      const item: FakeRealtimeItem = { id: itemId, role: 'assistant', text: '', audioMs: 0 };
      let transcript = '';
      let status: 'completed' | 'cancelled' = 'cancelled';
      if (!response.cancelled && ws.readyState === ws.OPEN) {
        connection.items.push(item);
        send({ type: 'response.output_item.added', response_id: response.id, output_index: 0, item: { id: itemId, type: 'message', role: 'assistant', status: 'in_progress', content: [] } });
        const words = text.split(/\s+/).filter(Boolean);
        const samplesPerChunk = Math.round((FAKE_REALTIME_RATE * chunkMs) / 1000);
        const chunks = Math.max(1, Math.ceil(audio.length / samplesPerChunk));
        let sentWords = 0;
        status = 'completed';
        for (let index = 0; index < chunks; index++) {
          if (response.cancelled || ws.readyState !== ws.OPEN) {
            status = 'cancelled';
            break;
          }
          // The words voiced by the end of this chunk, just ahead of it (as providers send the transcript).
          const wordsDue = Math.ceil(((index + 1) / chunks) * words.length);
          for (; sentWords < wordsDue; sentWords++) {
            const delta = (sentWords ? ' ' : '') + words[sentWords];
            transcript += delta;
            send({ type: 'response.audio_transcript.delta', response_id: response.id, item_id: itemId, output_index: 0, content_index: 0, delta });
          }
          const pcm = audio.subarray(index * samplesPerChunk, (index + 1) * samplesPerChunk);
          send({
            type: 'response.audio.delta',
            response_id: response.id,
            item_id: itemId,
            output_index: 0,
            content_index: 0,
            delta: Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64'),
          });
          item.audioMs = ((index * samplesPerChunk + pcm.length) / FAKE_REALTIME_RATE) * 1000;
          if (dropAfterChunks !== null && index + 1 >= dropAfterChunks) {
            behaviour = { ...behaviour, dropAfterChunks: null };
            ws.terminate();
            break;
          }
          const due = started + delayMs + (index + 1) * chunkMs * paceFactor;
          const wait = due - performance.now();
          await (wait > 0 ? sleep(wait) : new Promise((resolve) => setImmediate(resolve)));
        }
      }
      item.text = transcript;
      if (active === response) active = null;
      if (ws.readyState !== ws.OPEN) return;
      if (status === 'completed') {
        send({ type: 'response.audio.done', response_id: response.id, item_id: itemId });
        send({ type: 'response.audio_transcript.done', response_id: response.id, item_id: itemId, transcript });
      }
      send({
        type: 'response.done',
        response: {
          id: response.id,
          object: 'realtime.response',
          status,
          output: connection.items.includes(item) ? [{ id: itemId, type: 'message', role: 'assistant', content: [{ type: 'audio', transcript }] }] : [],
          usage: { output_tokens: transcript.split(/\s+/).filter(Boolean).length },
        },
      });
    }
  }

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  return {
    url: `ws://127.0.0.1:${port}/v1/realtime`,
    connections,
    truncations,
    refusals,
    received: (type) => connections.flatMap((connection) => connection.events.filter((event) => event.type === type)),
    set: (patch) => {
      behaviour = { ...behaviour, ...patch };
    },
    drop: () => {
      for (const ws of sockets) ws.terminate();
    },
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
