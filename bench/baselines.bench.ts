import { jetstream, jetstreamManager, AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { testInfra } from '@parley/testing';
import { randomBytes } from 'node:crypto';
import { spokenMp3 } from '../services/gateway/test/practice-client';
import { TimedClient } from './clients';
import { LEVELS, levelFigure, recordLevel, sleep, startRawServer, type RawServer } from './harness';

/** Each level's loops run this long. */
const WINDOW_MS = Number(process.env.BENCH_BASELINE_WINDOW_MS ?? 3_000);
/** A 20 ms realtime frame: 16 kHz mono PCM16. */
const FRAME = Buffer.alloc(640, 1);

/**
 * The raw building blocks on this machine, at each level's concurrency, for the ratios in the report and as a
 * reference: socket.io echo of a realtime frame and of a turn's MP3 (a separate process, as the gateway is), NATS
 * request/reply, and a JetStream publish → consume chain of four hops (a turn's hops from acceptance to the push).
 */
describe('raw baselines', () => {
  let raw: RawServer;
  let nc: NatsConnection;
  const namespace = `braw${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    raw = await startRawServer(testInfra().natsUrl, namespace, null);
    nc = await connect({ servers: testInfra().natsUrl });
  });

  afterAll(async () => {
    await raw?.stop();
    await nc?.close();
  });

  /** `concurrency` loops doing `op` back to back for the window; every op's duration. */
  async function loops(concurrency: number, op: (loop: number) => Promise<void>): Promise<number[]> {
    const samples: number[] = [];
    const until = performance.now() + WINDOW_MS;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, loop) => {
        await sleep(Math.random() * 20);
        while (performance.now() < until) {
          const started = performance.now();
          await op(loop);
          samples.push(performance.now() - started);
          await sleep(Math.random() * 20); // a session's events are spaced out, not back to back
        }
      }),
    );
    return samples;
  }

  it('socket.io echo of a realtime frame and of a turn MP3', async () => {
    const mp3 = await spokenMp3('The weather was lovely this morning near the river');
    const clients: TimedClient[] = [];
    for (const level of LEVELS) {
      while (clients.length < level) clients.push(await TimedClient.connect(raw.url, null, ''));
      const frames = await loops(level, (i) => clients[i]!.ask('echo', FRAME));
      recordLevel('raw_socketio_echo_frame', { title: 'raw: socket.io echo of a 20 ms PCM frame', providers: 'raw', unit: 'ms' }, levelFigure(level, frames, 0, 2));
      const turns = await loops(level, (i) => clients[i]!.ask('echo', mp3));
      recordLevel('raw_socketio_echo_turn', { title: `raw: socket.io echo of a turn MP3 (${mp3.length} B)`, providers: 'raw', unit: 'ms' }, levelFigure(level, turns, 0, 2));
    }
    for (const client of clients) client.close();
  });

  it('NATS request/reply and a JetStream chain of four hops', async () => {
    const subject = `${namespace}.bench.echo`;
    const responder = await connect({ servers: testInfra().natsUrl });
    responder.subscribe(subject, { callback: (_error, msg) => void msg.respond(msg.data) });
    await responder.flush();

    // The chain: hop k consumes `<ns>.hops.k` (a durable pull consumer) and publishes `k+1`; the last replies on core NATS.
    const hops = 4;
    const jsm = await jetstreamManager(responder);
    const js = jetstream(responder);
    const stream = `${namespace}_hops`;
    await jsm.streams.add({ name: stream, subjects: [`${namespace}.hops.>`] });
    const consumers = [];
    for (let k = 1; k <= hops; k++) {
      await jsm.consumers.add(stream, {
        durable_name: `hop${k}`,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.New,
        filter_subject: `${namespace}.hops.${k}`,
      });
      const messages = await (await js.consumers.get(stream, `hop${k}`)).consume({ max_messages: 64 });
      consumers.push(messages);
      void (async () => {
        for await (const msg of messages) {
          const id = msg.string();
          if (k < hops) await js.publish(`${namespace}.hops.${k + 1}`, id);
          else responder.publish(`${namespace}.done.${id}`, '');
          msg.ack();
        }
      })();
    }
    const client = jetstream(nc);
    let next = 0;
    try {
      for (const level of LEVELS) {
        const requests = await loops(level, async () => {
          await nc.request(subject, FRAME, { timeout: 10_000 });
        });
        recordLevel('raw_nats_request', { title: 'raw: NATS request/reply', providers: 'raw', unit: 'ms' }, levelFigure(level, requests, 0, 2));
        const chains = await loops(level, async () => {
          const id = String(next++);
          const done = nc.subscribe(`${namespace}.done.${id}`, { max: 1 });
          await client.publish(`${namespace}.hops.1`, id);
          for await (const _ of done) break;
        });
        recordLevel('raw_jetstream_4_hops', { title: 'raw: JetStream publish → consume, 4 hops', providers: 'raw', unit: 'ms' }, levelFigure(level, chains, 0, 2));
      }
    } finally {
      for (const messages of consumers) await messages.close();
      await jsm.streams.delete(stream);
      await responder.close();
    }
  });
});
