import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { GatewayBalancer } from './balancer';

/** A stand-in replica: answers with its name, hands out an engine.io sid on a handshake, echoes websockets. */
async function replica(name: string) {
  const closedStreams: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      res.on('close', () => closedStreams.push(name));
      return;
    }
    if (req.url?.startsWith('/socket.io/') && !req.url.includes('sid=')) return void res.end(`0{"sid":"sid-of-${name}","upgrades":["websocket"]}`);
    res.end(name);
  });
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', (socket) => socket.on('message', (data) => socket.send(`${name}:${data}`)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { name, port: (server.address() as AddressInfo).port, closedStreams, close: () => new Promise((done) => server.close(done)) };
}

describe('GatewayBalancer', () => {
  let a: Awaited<ReturnType<typeof replica>>;
  let b: Awaited<ReturnType<typeof replica>>;
  let balancer: GatewayBalancer;

  beforeAll(async () => {
    [a, b] = await Promise.all([replica('a'), replica('b')]);
    balancer = await GatewayBalancer.start(() => [a.port, b.port]);
  });
  afterAll(async () => {
    await balancer.close();
    await Promise.all([a.close(), b.close()]);
  });

  const get = (path: string) => fetch(`${balancer.url}${path}`).then((r) => r.text());

  it('sends each request to the next replica', async () => {
    const answers = [await get('/x'), await get('/x'), await get('/x'), await get('/x')];
    expect(new Set(answers)).toEqual(new Set(['a', 'b']));
    expect(answers[0]).not.toBe(answers[1]);
    expect(answers[1]).not.toBe(answers[2]);
  });

  it('keeps the polling requests of one engine.io session on the replica that opened it', async () => {
    const handshake = await get('/socket.io/?EIO=4&transport=polling');
    const owner = /sid-of-(\w)/.exec(handshake)![1];
    const sid = `sid-of-${owner}`;
    for (let i = 0; i < 4; i++) expect(await get(`/socket.io/?EIO=4&transport=polling&sid=${sid}`)).toBe(owner);
  });

  it('tunnels websockets, each to the next replica', async () => {
    const echoes = await Promise.all(
      [1, 2].map(
        (n) =>
          new Promise<string>((resolve, reject) => {
            const socket = new WebSocket(`${balancer.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
            socket.once('open', () => socket.send(String(n)));
            socket.once('message', (data) => {
              resolve(String(data));
              socket.close();
            });
            socket.once('error', reject);
          }),
      ),
    );
    expect(echoes.map((e) => e.split(':')[0]).sort()).toEqual(['a', 'b']);
    expect(echoes.map((e) => e.split(':')[1]).sort()).toEqual(['1', '2']);
  });

  it('closes the upstream stream when the client drops it', async () => {
    const controller = new AbortController();
    const response = await fetch(`${balancer.url}/stream`, { signal: controller.signal });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('first');
    controller.abort();
    for (let i = 0; i < 50 && a.closedStreams.length + b.closedStreams.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(a.closedStreams.length + b.closedStreams.length).toBe(1);
  });
});
