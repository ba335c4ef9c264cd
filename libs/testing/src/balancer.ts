import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** Hop-by-hop headers: they describe one connection, so a proxy never forwards them. */
const MAX_SESSIONS = 10_000;
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade'];

/**
 * A round-robin HTTP load balancer in front of several gateway replicas, for the scaled local run and the scaled
 * tests. Every request and every websocket goes to the next replica, so one client's REST calls, socket and
 * server-sent-event streams land on different gateways, as behind a real load balancer. The one exception is the
 * exception every socket.io deployment makes: the HTTP long-polling requests of one engine.io session (and its
 * upgrade to a websocket) must reach the replica that opened it (the Ingress uses cookie affinity for that), so
 * they are routed by their `sid`.
 */
export class GatewayBalancer {
  private readonly server: Server;
  private readonly sockets = new Set<Duplex>();
  /** engine.io session id → the replica port that issued it. */
  private readonly owners = new Map<string, number>();
  private next = 0;

  private constructor(
    /** The ports of the replicas answering right now (a stopped replica drops out, as a failed health check would). */
    private readonly targets: () => number[],
  ) {
    this.server = createServer((req, res) => this.forward(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.tunnel(req, socket, head));
    this.server.on('connection', (socket) => this.track(socket));
  }

  static async start(targets: () => number[], port = 0, host = '127.0.0.1'): Promise<GatewayBalancer> {
    const balancer = new GatewayBalancer(targets);
    await new Promise<void>((resolve, reject) => {
      balancer.server.once('error', reject);
      balancer.server.listen(port, host, () => resolve());
    });
    return balancer;
  }

  get port(): number {
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('the balancer is not listening');
    return address.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The replica for a request: the owner of its engine.io session if it names one, else the next in turn. */
  private pick(url: string | undefined): number | undefined {
    const sid = engineSid(url);
    if (sid && this.owners.has(sid)) return this.owners.get(sid);
    const targets = this.targets();
    if (targets.length === 0) return undefined;
    return targets[this.next++ % targets.length];
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const port = this.pick(req.url);
    if (port === undefined) return void res.writeHead(503).end();
    const upstream = request(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: withoutHopByHop(req.headers) },
      (answer) => {
        if (isEngineHandshake(req.url)) this.learnSid(answer, port);
        res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    // A client that goes away (a dropped SSE stream) must look the same to the gateway.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  private tunnel(req: IncomingMessage, client: Duplex, head: Buffer): void {
    const port = this.pick(req.url);
    if (port === undefined) return void client.destroy();
    const upstream = connect({ host: '127.0.0.1', port });
    this.track(upstream);
    upstream.once('connect', () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    client.once('close', () => upstream.destroy());
  }

  /** Reads the sid out of an engine.io handshake answer (`0{"sid":"…",…}`) while it passes through. */
  private learnSid(answer: IncomingMessage, port: number): void {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      const sid = /"sid":"([^"]+)"/.exec(seen)?.[1];
      if (sid || seen.length > 4096) answer.off('data', onData);
      if (!sid) return;
      this.owners.set(sid, port);
      // Oldest first: a long local run forgets sessions that ended long ago.
      if (this.owners.size > MAX_SESSIONS) this.owners.delete(this.owners.keys().next().value!);
    };
    answer.on('data', onData);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}

function engineSid(url: string | undefined): string | null {
  if (!url?.startsWith('/socket.io/')) return null;
  return new URL(url, 'http://x').searchParams.get('sid');
}

const isEngineHandshake = (url: string | undefined) => !!url?.startsWith('/socket.io/') && !engineSid(url);

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const copy = { ...headers };
  for (const name of HOP_BY_HOP) delete copy[name];
  return copy;
}
