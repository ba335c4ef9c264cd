/**
 * The raw baselines' server: the same building blocks as Parley (socket.io, NATS request/reply, JetStream
 * publish → consume, HTTP to the providers, SSE), with no application code between them. Started by the benchmark
 * as its own process (as Parley's services are), it prints `{"port": n}` once listening.
 *
 *   node bench/raw-server.js <nats url> <namespace> <provider base url or "-">
 *
 * socket.io events (root namespace):
 *   echo(payload, ack)        ack(payload): a bare round trip of the same bytes
 *   turn({id, audio}, ack)    NATS request/reply, then ack; then JetStream hops 1..4, the provider calls Parley's
 *                             turn makes (transcription, chat, speech) and `ai_turn` {id} pushed back
 *   arm({id, delayMs})        a timer; when it fires, 2 JetStream hops, then `termination` {id}
 *   stop({id}, ack)           ack, then 3 JetStream hops and `evaluation_ready` {id}
 * HTTP:
 *   POST /relay               streams the provider's chat completion to the caller, event by event (a bare SSE relay)
 */
const http = require('node:http');
const { Server } = require('socket.io');
const { connect } = require('@nats-io/transport-node');
const { jetstream, jetstreamManager, AckPolicy, DeliverPolicy } = require('@nats-io/jetstream');

const [natsUrl, namespace, providerArg] = process.argv.slice(2);
const provider = providerArg && providerArg !== '-' ? providerArg : null;
const HOPS = 4;

async function main() {
  const nc = await connect({ servers: natsUrl });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const stream = `${namespace}_raw`;
  await jsm.streams.add({ name: stream, subjects: [`${namespace}.raw.>`] });

  // Request/reply: a responder that answers at once (Parley's gateway → session command).
  nc.subscribe(`${namespace}.raw.submit`, { callback: (_err, msg) => msg.respond(msg.data) });

  const io = new Server({ maxHttpBufferSize: 4e6, serveClient: false });
  const sockets = new Map();

  // Hop k consumes `<ns>.raw.<chain>.<k>` and publishes `<k+1>`; the last hop finishes the chain.
  async function chain(name, hops, last) {
    for (let k = 1; k <= hops; k++) {
      const durable = `raw_${name}_${k}`;
      await jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.New,
        filter_subject: `${namespace}.raw.${name}.${k}`,
      });
      const consumer = await js.consumers.get(stream, durable);
      const messages = await consumer.consume({ max_messages: 64 });
      void (async () => {
        for await (const msg of messages) {
          const data = msg.json();
          if (k < hops) await js.publish(`${namespace}.raw.${name}.${k + 1}`, JSON.stringify(data));
          else await last(data).catch(() => undefined);
          msg.ack();
        }
      })();
    }
  }

  await chain('turn', HOPS, async ({ id, socket }) => {
    if (provider) await providerCalls();
    sockets.get(socket)?.emit('ai_turn', { id });
  });
  await chain('termination', 2, async ({ id, socket }) => sockets.get(socket)?.emit('termination', { id }));
  await chain('evaluation', 3, async ({ id, socket }) => sockets.get(socket)?.emit('evaluation_ready', { id }));

  io.on('connection', (socket) => {
    sockets.set(socket.id, socket);
    socket.on('disconnect', () => sockets.delete(socket.id));
    socket.on('echo', (payload, ack) => ack(payload));
    socket.on('turn', async ({ id, audio }, ack) => {
      await nc.request(`${namespace}.raw.submit`, audio, { timeout: 10_000 });
      ack({ ok: true, id });
      await js.publish(`${namespace}.raw.turn.1`, JSON.stringify({ id, socket: socket.id }));
    });
    socket.on('arm', ({ id, delayMs }) => {
      setTimeout(() => void js.publish(`${namespace}.raw.termination.1`, JSON.stringify({ id, socket: socket.id })), delayMs);
    });
    socket.on('stop', async ({ id }, ack) => {
      ack({ ok: true });
      await js.publish(`${namespace}.raw.evaluation.1`, JSON.stringify({ id, socket: socket.id }));
    });
  });

  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/relay' && provider) return void relay(res).catch(() => res.destroy());
    res.writeHead(404).end();
  });
  io.attach(server);
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
  process.on('SIGTERM', async () => {
    io.close();
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
    process.exit(0);
  });
}

/** The three provider requests of a spoken turn, in order, as Parley's workers make them. */
async function providerCalls() {
  const form = new FormData();
  form.append('file', new Blob([Buffer.alloc(16_000)], { type: 'audio/mpeg' }), 'turn.mp3');
  form.append('model', 'fake');
  await (await fetch(`${provider}/audio/transcriptions`, { method: 'POST', body: form })).text();
  await (await fetch(`${provider}/chat/completions`, post({ model: 'fake', stream: true, messages: [{ role: 'user', content: 'hi' }] }))).text();
  await (await fetch(`${provider}/audio/speech`, post({ model: 'fake', input: 'This is the fake model speaking.', voice: 'alloy' }))).arrayBuffer();
}

/** Relays the provider's chat stream to the caller, one SSE `token` event per chunk. */
async function relay(res) {
  const upstream = await fetch(`${provider}/chat/completions`, post({ model: 'fake', stream: true, messages: [{ role: 'user', content: 'hi' }] }));
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of upstream.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!line.startsWith('data: {')) continue;
      const content = JSON.parse(line.slice(6)).choices?.[0]?.delta?.content;
      if (content && content.trim()) res.write(`event: token\ndata: ${JSON.stringify({ delta: content.trim() })}\n\n`);
    }
  }
  res.end('event: done\ndata: {}\n\n');
}

const post = (body) => ({ method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k' }, body: JSON.stringify(body) });

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
