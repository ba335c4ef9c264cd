// A separate consumer process for bus.spec.ts, using the built bus (npm test builds first).
// Modes: "hang" receives and never acknowledges (then gets SIGKILLed); "process" records the effect idempotently.
const { Bus } = require('../dist');
const IORedis = require('ioredis').default;

const [mode, namespace, natsUrl, redisUrl] = process.argv.slice(2);
const spec = { durable: 'bus-test', stream: { name: 'SESSION', subjects: ['session.>'] }, events: ['session.deleted'] };

async function main() {
  const redis = new IORedis(redisUrl);
  const bus = await Bus.connect({ url: natsUrl, namespace, service: `fixture-${mode}` });
  await bus.consume(
    spec,
    {
      'session.deleted': async (payload, meta) => {
        process.stdout.write(`${JSON.stringify({ received: payload.sessionId, deliveryCount: meta.deliveryCount })}\n`);
        if (mode === 'hang') return new Promise(() => undefined);
        // The effect happens once per message id, however often the message is delivered.
        if (await redis.set(`${namespace}:effect:${meta.messageId}`, '1', 'NX')) {
          await redis.incr(`${namespace}:effects`);
        }
      },
    },
    { ackWaitMs: 1000, concurrency: 2 },
  );
  process.stdout.write('ready\n');
}

main().catch((error) => {
  process.stderr.write(String(error?.stack ?? error));
  process.exit(1);
});
