import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeMp3, encodeMp3Stereo, encodeWav, resampleLinear, synthesizeFlite } from '@parley/audio';

/**
 * A real HTTP server speaking the OpenAI wire format, for tests that exercise provider clients end to end:
 * chat completions (JSON and SSE streaming, text or text+audio output), `/v1/audio/speech` (MP3 spoken by Flite)
 * and `/v1/audio/transcriptions` (multipart upload, configured text). Each endpoint answers from a queue of
 * one-shot behaviours, then from its default behaviour; every request is recorded.
 *
 *   const fake = await startFakeOpenAi();
 *   fake.enqueue('chat', { status: 503, times: 2 }, { reply: 'Hello!' });
 *   new OpenAI({ baseURL: fake.url, apiKey: 'test' });
 *   expect(fake.requestsTo('chat')).toHaveLength(3);
 *   await fake.close();
 *
 * Benchmarks pass `FakeOpenAiOptions` for a provider of known cost: `{ chunkPauseMs: 0 }` answers as fast as the
 * socket allows (zero latency), `{ latencyMs: 300 }` adds a fixed time before every response.
 */

export interface FakeOpenAiOptions {
  /** Fixed latency before every response's headers (added to a behaviour's `delayHeadersMs`). Default 0. */
  latencyMs?: number;
  /** Pause between the chunks of a stream when the behaviour sets no `chunkDelayMs`. Default 1 ms; 0 writes them all at once. */
  chunkPauseMs?: number;
}

export type FakeEndpoint = 'chat' | 'speech' | 'transcriptions';

export interface FakeRequest {
  endpoint: FakeEndpoint;
  path: string;
  headers: IncomingHttpHeaders;
  /** The JSON body (chat, speech) or the multipart text fields (transcriptions). */
  body: Record<string, any>;
  /** The uploaded file of a transcription request. */
  file?: { name: string; type: string; data: Buffer };
  receivedAt: number;
  /** Set when the client closed the connection before the response ended (an aborted request). */
  abortedAt?: number;
}

export interface FakeBehaviour {
  /**
   * What the model says: chat content (or the transcript of audio output), the text spoken by `/audio/speech`
   * (default: the request's `input`), or the transcription text.
   */
  reply?: string | ((request: FakeRequest) => string);
  /** Answer with this HTTP error status and an OpenAI error body. */
  status?: number;
  /** Wait this long before sending response headers. */
  delayHeadersMs?: number;
  /** Send this many chunks (SSE events, or 4 KB pieces of speech), then hang without ending the response. */
  stallAfterChunks?: number;
  /** Chat streams: wait this long between chunks (a model producing tokens at a fixed rate). */
  chunkDelayMs?: number;
  /** Chat streams of `tokens` words, each the time it was sent (ms since epoch, fractional): for latency benchmarks. */
  stampTokens?: { tokens: number };
  /** Chat: answer content that is not JSON (what a model does when it ignores `response_format`). */
  invalidJson?: boolean;
  /** Speech: the MP3's format. Default 24 kHz mono, like OpenAI's. */
  speechFormat?: { sampleRate?: 16_000 | 24_000; channels?: 1 | 2 };
  /**
   * Speech: the `response_format`s this server speaks (default `mp3` and `pcm`, raw 24 kHz PCM16 as OpenAI's). Any
   * other is refused with a 400, or with `unknownFormat: 'ignore'` answered as MP3 (what some servers do).
   */
  speechFormats?: ReadonlyArray<'mp3' | 'pcm'>;
  unknownFormat?: 'refuse' | 'ignore';
  /** With `enqueue`: how many requests this behaviour answers. Default 1. */
  times?: number;
}

export interface FakeOpenAi {
  /** Base URL for the SDK's `baseURL`, ending in `/v1`. */
  readonly url: string;
  /** Every request received, in order, including those answered with an error. */
  readonly requests: FakeRequest[];
  requestsTo(endpoint: FakeEndpoint): FakeRequest[];
  /** Behaviours for the next requests to `endpoint`, used once each (or `times` times) in order. */
  enqueue(endpoint: FakeEndpoint, ...behaviours: FakeBehaviour[]): void;
  /** The behaviour once the queue of `endpoint` is empty. */
  setBehaviour(endpoint: FakeEndpoint, behaviour: FakeBehaviour): void;
  /** Clears the queues, the defaults and the recorded requests. */
  reset(): void;
  /** Stops the server, cutting any response still open (stalled streams included), once its handlers are done. */
  close(): Promise<void>;
}

export const FAKE_CHAT_REPLY = 'This is the fake model speaking.';
export const FAKE_JUDGE_REPLY = JSON.stringify({ outcome: 'continue', rationale: 'The fake judge saw nothing decisive.' });
export const FAKE_TRANSCRIPT = 'hello from the fake transcriber';
const NOT_JSON = 'Sure! The trainee did rather well, I think.';
const SPEECH_CHUNK_BYTES = 4096;
/** Raw audio (chat audio output, speech `pcm`): 16-bit little-endian PCM at 24 kHz, as OpenAI and Qwen-Omni send it. */
const RAW_AUDIO_RATE = 24_000;

const routes: Record<string, FakeEndpoint> = {
  '/v1/chat/completions': 'chat',
  '/v1/audio/speech': 'speech',
  '/v1/audio/transcriptions': 'transcriptions',
};

export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  const latencyMs = options.latencyMs ?? 0;
  const chunkPauseMs = options.chunkPauseMs ?? 1;
  const requests: FakeRequest[] = [];
  const queues = new Map<FakeEndpoint, FakeBehaviour[]>();
  const defaults = new Map<FakeEndpoint, FakeBehaviour>();

  const nextBehaviour = (endpoint: FakeEndpoint): FakeBehaviour => {
    const queue = queues.get(endpoint) ?? [];
    const head = queue[0];
    if (!head) return defaults.get(endpoint) ?? {};
    if ((head.times ?? 1) > 1) queue[0] = { ...head, times: (head.times ?? 1) - 1 };
    else queue.shift();
    return head;
  };

  // Handlers still running (synthesising, waiting out a delay): close() waits for them, so no work of a test
  // outlives it.
  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const handling = handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 400, (error as Error).message);
      else res.destroy();
    });
    inFlight.add(handling);
    void handling.finally(() => inFlight.delete(handling));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const endpoint = req.method === 'POST' ? routes[path] : undefined;
    if (!endpoint) return sendError(res, 404, `fake OpenAI: no route ${req.method} ${path}`);
    const request = await parseRequest(endpoint, path, req);
    requests.push(request);
    res.once('close', () => {
      if (!res.writableFinished) request.abortedAt = Date.now();
    });
    const behaviour = nextBehaviour(endpoint);

    const delay = (behaviour.delayHeadersMs ?? 0) + latencyMs;
    if (delay) await sleep(delay);
    if (res.destroyed) return; // the client gave up while we were waiting
    if (behaviour.status) return sendError(res, behaviour.status, `fake OpenAI: scripted ${behaviour.status}`);

    const reply = typeof behaviour.reply === 'function' ? behaviour.reply(request) : behaviour.reply;
    if (endpoint === 'chat') return answerChat(res, request, behaviour, reply, chunkPauseMs);
    if (endpoint === 'speech') return answerSpeech(res, request, behaviour, reply, chunkPauseMs);
    const text = reply ?? FAKE_TRANSCRIPT;
    if (request.body.response_format === 'text') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(text);
    } else {
      sendJson(res, 200, { text });
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    requestsTo: (endpoint) => requests.filter((r) => r.endpoint === endpoint),
    enqueue: (endpoint, ...behaviours) => queues.set(endpoint, [...(queues.get(endpoint) ?? []), ...behaviours]),
    setBehaviour: (endpoint, behaviour) => defaults.set(endpoint, behaviour),
    reset: () => {
      queues.clear();
      defaults.clear();
      requests.length = 0;
    },
    close: async () => {
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      server.closeAllConnections();
      await closed;
      await Promise.all(inFlight);
    },
  };
}

async function parseRequest(endpoint: FakeEndpoint, path: string, req: IncomingMessage): Promise<FakeRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const request: FakeRequest = { endpoint, path, headers: req.headers, body: {}, receivedAt: Date.now() };
  if (endpoint !== 'transcriptions') {
    request.body = JSON.parse(raw.toString('utf8')) as Record<string, any>;
    return request;
  }
  // The fetch API's multipart parser, fed the raw body.
  const form = await new Response(raw, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') request.body[name] = value;
    else request.file = { name: value.name, type: value.type, data: Buffer.from(await value.arrayBuffer()) };
  }
  return request;
}

async function answerChat(res: ServerResponse, request: FakeRequest, behaviour: FakeBehaviour, reply: string | undefined, chunkPauseMs: number) {
  const body = request.body;
  const jsonMode = ['json_object', 'json_schema'].includes(body.response_format?.type);
  const content = behaviour.invalidJson ? NOT_JSON : (reply ?? (jsonMode ? FAKE_JUDGE_REPLY : FAKE_CHAT_REPLY));
  const wantsAudio = Array.isArray(body.modalities) && body.modalities.includes('audio');
  const id = `chatcmpl-fake-${request.receivedAt}`;
  const created = Math.floor(request.receivedAt / 1000);
  const model = String(body.model ?? 'fake-model');

  if (!body.stream) {
    if (wantsAudio) return sendError(res, 400, 'fake OpenAI: audio output requires stream: true');
    return sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
    });
  }

  const words = content.match(/\S+\s*/g) ?? [content];
  const chunk = (delta: object, finish: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });
  const events: (object | null)[] = [chunk({ role: 'assistant', content: wantsAudio ? null : '' })];
  if (wantsAudio) {
    // OpenAI's shape: the text arrives as the audio's transcript, the audio as base64 pieces.
    for (const word of words) events.push(chunk({ audio: { id: `audio-${id}`, transcript: word } }));
    const audio = await chatAudio(content, body.audio?.format);
    for (let at = 0; at < audio.length; at += SPEECH_CHUNK_BYTES) {
      const data = audio.subarray(at, at + SPEECH_CHUNK_BYTES).toString('base64');
      events.push(chunk({ audio: { id: `audio-${id}`, data } }));
    }
  } else {
    for (const word of words) events.push(chunk({ content: word }));
  }
  events.push(chunk({}, 'stop'));
  if (body.stream_options?.include_usage) {
    const usage = { prompt_tokens: 10, completion_tokens: words.length, total_tokens: 10 + words.length };
    events.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage });
  }

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  if (behaviour.stampTokens) {
    // Replace the words with their send times, stamped as each chunk goes out.
    events.splice(1, events.length - 1, ...Array.from({ length: behaviour.stampTokens.tokens }, () => null), chunk({}, 'stop'));
  }
  for (const [index, planned] of events.entries()) {
    if (behaviour.stallAfterChunks !== undefined && index >= behaviour.stallAfterChunks) return; // hang, open
    const event = planned ?? chunk({ content: `${(performance.timeOrigin + performance.now()).toFixed(3)} ` });
    res.write(`data: ${JSON.stringify(event)}\n\n`);
    const pause = behaviour.chunkDelayMs ?? chunkPauseMs;
    if (pause) await sleep(pause); // separate network writes, like a model producing tokens
    if (res.destroyed) return;
  }
  res.end('data: [DONE]\n\n');
}

/** Speech for a chat reply with audio output: raw PCM16 for `pcm16`, a WAV file for `wav`. */
function chatAudio(text: string, format: string | undefined): Promise<Buffer> {
  return memoised(`chat/${format}/${text}`, async () => {
    if (format !== 'wav') return rawPcm24k(text);
    const speech = await synthesizeFlite(text);
    return encodeWav(resampleLinear(speech.pcm, speech.sampleRate, RAW_AUDIO_RATE), RAW_AUDIO_RATE);
  });
}

/** Flite's speech as headerless PCM16 at 24 kHz: chat audio output `pcm16` and speech `pcm` alike. */
function rawPcm24k(text: string): Promise<Buffer> {
  return memoised(`pcm24k/${text}`, async () => {
    const speech = await synthesizeFlite(text);
    const pcm = resampleLinear(speech.pcm, speech.sampleRate, RAW_AUDIO_RATE);
    return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  });
}

async function answerSpeech(res: ServerResponse, request: FakeRequest, behaviour: FakeBehaviour, reply: string | undefined, chunkPauseMs: number) {
  const spoken = behaviour.speechFormats ?? ['mp3', 'pcm'];
  let format = request.body.response_format ?? 'mp3';
  if (!spoken.includes(format)) {
    if (behaviour.unknownFormat !== 'ignore') return sendError(res, 400, `fake OpenAI: speaks ${spoken.join(' and ')}, not ${format}`);
    format = 'mp3';
  }
  const text = reply ?? String(request.body.input ?? '');
  const { sampleRate = 24_000, channels = 1 } = behaviour.speechFormat ?? {};
  const body = format === 'pcm' ? await rawPcm24k(text) : await speechMp3(text, sampleRate, channels);
  res.writeHead(200, { 'content-type': format === 'pcm' ? 'audio/pcm' : 'audio/mpeg' });
  for (let at = 0, index = 0; at < body.length; at += SPEECH_CHUNK_BYTES, index++) {
    if (behaviour.stallAfterChunks !== undefined && index >= behaviour.stallAfterChunks) return;
    res.write(body.subarray(at, at + SPEECH_CHUNK_BYTES));
    if (chunkPauseMs) await sleep(chunkPauseMs);
    if (res.destroyed) return;
  }
  res.end();
}

function speechMp3(text: string, sampleRate: 16_000 | 24_000, channels: 1 | 2): Promise<Buffer> {
  return memoised(`speech/${sampleRate}/${channels}/${text}`, async () => {
    const speech = await synthesizeFlite(text);
    const pcm = resampleLinear(speech.pcm, speech.sampleRate, sampleRate);
    // At 24 kHz LAME needs 64 kbit/s to keep the rate (at 32 it would resample, see encodeMp3).
    const kbps = sampleRate === 16_000 ? 32 : 64;
    return channels === 2 ? encodeMp3Stereo(pcm, pcm, sampleRate, kbps) : encodeMp3(pcm, sampleRate, kbps);
  });
}

/**
 * Synthesis and MP3 encoding in JavaScript can take longer than the short timeouts tests use, where a real server
 * answers quickly: so each audio is made once per process and served from memory afterwards.
 */
const audioCache = new Map<string, Promise<Buffer>>();

function memoised(key: string, make: () => Promise<Buffer>): Promise<Buffer> {
  let audio = audioCache.get(key);
  if (!audio) {
    audio = make();
    audio.catch(() => audioCache.delete(key));
    audioCache.set(key, audio);
  }
  return audio;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message: string): void {
  const type = status >= 500 ? 'server_error' : 'invalid_request_error';
  sendJson(res, status, { error: { message, type, param: null, code: null } });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
