import WebSocket from 'ws';

/** The speech-to-speech provider cannot be used (refused, unreachable, or its socket dropped): fall back. */
export class S2sUnavailable extends Error {
  constructor(readonly reason: string) {
    super(`speech-to-speech unavailable: ${reason}`);
    this.name = 'S2sUnavailable';
  }
}

export interface RealtimeSocketOptions {
  /** The Realtime endpoint, e.g. `wss://api.openai.com/v1/realtime` (http(s) is turned into ws(s)). */
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** Per attempt: the upgrade and the provider's `session.created`. */
  connectTimeoutMs?: number;
  /** Bounded: a refused or unreachable provider is tried this many times in all. */
  attempts?: number;
  backoffMs?: number;
}

export type ServerEvent = { type: string; [key: string]: any };

/** The provider's WebSocket URL with the model as a query parameter (OpenAI, DashScope). */
export function realtimeUrl(baseUrl: string, model: string): string {
  const url = new URL(baseUrl.replace(/^http/, 'ws'));
  if (model) url.searchParams.set('model', model);
  return url.toString();
}

/**
 * One OpenAI-Realtime-compatible WebSocket: connects with bounded attempts (an HTTP refusal such as 401 is not
 * retried), hands every server event to `onEvent`, and reports its loss once through `onLost`.
 */
export class RealtimeSocket {
  private ws: WebSocket | null = null;
  private lostReason: string | null = null;
  private closedByUs = false;

  constructor(
    private readonly options: RealtimeSocketOptions,
    private readonly onEvent: (event: ServerEvent) => void,
    private readonly onLost: (reason: string) => void,
  ) {}

  get lost(): string | null {
    return this.lostReason;
  }

  async connect(): Promise<void> {
    const attempts = Math.max(1, this.options.attempts ?? 2);
    let last: S2sUnavailable | null = null;
    for (let attempt = 1; attempt <= attempts && !this.closedByUs; attempt++) {
      try {
        this.ws = await this.open();
        this.ws.on('message', (data) => this.message(data));
        this.ws.on('close', (code) => this.lose(`the provider closed the connection (${code})`));
        this.ws.on('error', (error) => this.lose(`connection error: ${error.message}`));
        return;
      } catch (error) {
        last = error instanceof S2sUnavailable ? error : new S2sUnavailable((error as Error).message);
        // Credentials or a missing endpoint will not be fixed by trying again.
        if (/HTTP 4\d\d/.test(last.reason)) break;
        if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, this.options.backoffMs ?? 200));
      }
    }
    throw last ?? new S2sUnavailable('closed');
  }

  send(event: object): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(event));
  }

  close(): void {
    this.closedByUs = true;
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.removeAllListeners();
    ws.on('error', () => undefined);
    if (ws.readyState === WebSocket.OPEN) ws.close(1000);
    else ws.terminate();
  }

  private open(): Promise<WebSocket> {
    const { baseUrl, apiKey, model, connectTimeoutMs = 1_500 } = this.options;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(realtimeUrl(baseUrl, model), {
        headers: { ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}), 'OpenAI-Beta': 'realtime=v1' },
        handshakeTimeout: connectTimeoutMs,
      });
      let settled = false;
      const fail = (reason: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
        reject(new S2sUnavailable(reason));
      };
      const timer = setTimeout(() => fail(`no session within ${connectTimeoutMs} ms`), connectTimeoutMs);
      ws.on('unexpected-response', (_request, response) => fail(`refused (HTTP ${response.statusCode})`));
      ws.on('error', (error) => fail(`cannot connect: ${error.message}`));
      ws.on('close', (code) => fail(`closed while connecting (${code})`));
      // The provider says `session.created` first; only then is the session usable.
      ws.on('message', (data) => {
        const event = parse(data);
        if (settled || !event) return;
        if (event.type === 'session.created') {
          settled = true;
          clearTimeout(timer);
          ws.removeAllListeners();
          resolve(ws);
        } else if (event.type === 'error') {
          fail(`provider error: ${event.error?.message ?? 'unknown'}`);
        }
      });
    });
  }

  private message(data: WebSocket.RawData): void {
    const event = parse(data);
    if (event) this.onEvent(event);
  }

  private lose(reason: string): void {
    if (this.lostReason || this.closedByUs) return;
    this.lostReason = reason;
    const ws = this.ws;
    this.ws = null;
    ws?.removeAllListeners();
    ws?.on('error', () => undefined);
    ws?.terminate();
    this.onLost(reason);
  }
}

function parse(data: WebSocket.RawData): ServerEvent | null {
  try {
    const event = JSON.parse(data.toString());
    return event && typeof event.type === 'string' ? event : null;
  } catch {
    return null;
  }
}
