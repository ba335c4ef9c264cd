/**
 * Lists and replays the bus's dead letters (deploy/README.md, "Replaying dead letters").
 *
 * A JetStream consumer gives up on an event after `maxDeliver` failed deliveries (20 by default, with backoff) or at
 * once when its payload does not parse. The bus then stores a copy on `<namespace>.deadletter.<durable>` in the
 * stream `<namespace>_DEADLETTER` (kept 30 days), with the headers x-dead-letter-reason, x-original-subject,
 * x-original-stream and x-original-sequence, and terminates the delivery. Replaying publishes the payload again
 * on its original subject and removes the letter: every consumer of that event gets it again, which is safe because
 * handlers are idempotent (delivery is at least once anyway).
 *
 *   node scripts/dist/replay-deadletters.js                          list every dead letter
 *   node scripts/dist/replay-deadletters.js --durable <durable>      only one consumer's (e.g. asr-turns_session-trainee_turn_accepted)
 *   node scripts/dist/replay-deadletters.js --replay [--durable <durable>] [--seq <n>]
 *   options: --json (one JSON object per line), --limit <n> (default 1000)
 *
 * NATS_URL and PARLEY_NAMESPACE as for the services (defaults nats://127.0.0.1:4222 and parley).
 */
import { jetstream, jetstreamManager, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { DeadLetters } from '@parley/contracts';
import { parseArgs } from 'node:util';

interface Letter {
  seq: number;
  durable: string;
  at: string;
  reason: string;
  subject: string | null;
  origin: string | null;
  correlationId: string | null;
}

/** Headers that describe the dead-lettering, not the event: a replayed event does not carry them. */
const LETTER_HEADERS = /^(x-dead-letter-|x-original-|nats-msg-id$)/i;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      replay: { type: 'boolean', default: false },
      durable: { type: 'string' },
      seq: { type: 'string' },
      limit: { type: 'string', default: '1000' },
      json: { type: 'boolean', default: false },
    },
  });
  const namespace = process.env.PARLEY_NAMESPACE || 'parley';
  const streamName = DeadLetters.stream(namespace);
  const prefix = DeadLetters.subject(namespace, '');
  const nc = await connect({ servers: (process.env.NATS_URL || 'nats://127.0.0.1:4222').split(',') });
  try {
    const jsm = await jetstreamManager(nc);
    if (!(await streamExists(jsm, streamName))) {
      process.stderr.write(`no dead letters: the stream ${streamName} does not exist (no consumer of namespace ${namespace} has started)\n`);
      return values.seq ? 1 : 0;
    }
    const js = jetstream(nc);
    const consumer = await js.consumers.get(streamName, { filter_subjects: values.durable ? `${prefix}${values.durable}` : `${prefix}>` });
    const wanted = values.seq === undefined ? undefined : Number(values.seq);
    const selected: JsMsg[] = [];
    const batch = await consumer.fetch({ max_messages: Number(values.limit), expires: 1_000 });
    for await (const m of batch) {
      if (wanted === undefined || m.seq === wanted) selected.push(m);
      if (m.info.pending === 0) break;
    }
    if (wanted !== undefined && selected.length === 0) {
      process.stderr.write(`no dead letter #${wanted}${values.durable ? ` for ${values.durable}` : ''}\n`);
      return 1;
    }

    for (const m of selected) {
      const letter = describe(m, prefix);
      if (!values.replay) {
        print(values.json, { ...letter }, `#${letter.seq} ${letter.at} ${letter.durable} ← ${letter.subject} (${letter.origin}): ${letter.reason}`);
        continue;
      }
      if (!letter.subject) {
        print(values.json, { ...letter, replayed: false }, `#${letter.seq} has no original subject; left in place`);
        continue;
      }
      const headers = natsHeaders();
      for (const [key, value] of m.headers ?? []) if (!LETTER_HEADERS.test(key)) for (const v of value) headers.append(key, v);
      headers.set('x-replayed-from', `${streamName}#${m.seq}`);
      // The same original event replayed twice (e.g. dead-lettered by two consumers) is stored once by JetStream's dedupe.
      const ack = await js.publish(letter.subject, m.data, { headers, msgID: `replay:${letter.origin ?? `${streamName}#${m.seq}`}` });
      await jsm.streams.deleteMessage(streamName, m.seq);
      print(
        values.json,
        { ...letter, replayed: true, duplicate: ack.duplicate },
        `#${letter.seq} replayed to ${letter.subject}${ack.duplicate ? ' (already replayed from another letter)' : ''}`,
      );
    }
    if (!values.json) process.stdout.write(`${selected.length} dead letter(s)${values.replay ? ' replayed' : ''}\n`);
    return 0;
  } finally {
    await nc.drain();
  }
}

function describe(m: JsMsg, prefix: string): Letter {
  const h = (key: string) => m.headers?.get(key) || null;
  const stream = h('x-original-stream');
  return {
    seq: m.seq,
    durable: m.subject.slice(prefix.length),
    at: m.timestamp,
    reason: h('x-dead-letter-reason') ?? 'unknown',
    subject: h('x-original-subject'),
    origin: stream ? `${stream}#${h('x-original-sequence')}` : null,
    correlationId: h('x-correlation-id'),
  };
}

async function streamExists(jsm: JetStreamManager, name: string): Promise<boolean> {
  return jsm.streams.info(name).then(
    () => true,
    () => false,
  );
}

function print(json: boolean, record: object, line: string): void {
  process.stdout.write(`${json ? JSON.stringify(record) : line}\n`);
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${(error as Error)?.stack ?? error}\n`);
    process.exit(1);
  },
);
