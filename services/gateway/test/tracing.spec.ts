import { TestPlatform, devToken } from '@parley/testing';
import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PracticeClient, createSession, spokenMp3 } from './practice-client';

/** OTLP span kinds (the API's SpanKind + 1). */
const Kind = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  attributes: Record<string, unknown>;
}

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type OtlpAttribute = { key: string; value: OtlpValue };

const valueOf = (v: OtlpValue) => v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue;
const attributesOf = (list: OtlpAttribute[] = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

/** A collector at the outer edge: what an OpenTelemetry Collector would receive over OTLP/HTTP with JSON bodies. */
class OtlpReceiver {
  readonly spans: CollectedSpan[] = [];
  readonly contentTypes = new Set<string>();
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<OtlpReceiver> {
    let receiver!: OtlpReceiver;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/traces') {
          res.writeHead(404).end();
          return;
        }
        receiver.contentTypes.add(String(req.headers['content-type']));
        const raw = Buffer.concat(chunks);
        const body = JSON.parse((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'));
        for (const resourceSpans of body.resourceSpans ?? []) {
          const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
          for (const scope of resourceSpans.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              receiver.spans.push({
                service,
                traceId: span.traceId,
                spanId: span.spanId,
                parentSpanId: span.parentSpanId || undefined,
                name: span.name,
                kind: span.kind,
                startTimeUnixNano: span.startTimeUnixNano,
                attributes: attributesOf(span.attributes),
              });
            }
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    receiver = new OtlpReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return receiver;
  }

  trace(traceId: string): CollectedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  close(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }
}

/** The spans of one trace, with the questions the test asks of them. */
class Trace {
  private readonly byId: Map<string, CollectedSpan>;
  constructor(readonly spans: CollectedSpan[]) {
    this.byId = new Map(spans.map((s) => [s.spanId, s]));
  }

  find(service: string, name: string | RegExp, under?: CollectedSpan): CollectedSpan {
    const found = this.spans.filter(
      (s) => s.service === service && (typeof name === 'string' ? s.name === name : name.test(s.name)) && (!under || this.isUnder(s, under)),
    );
    if (!found.length) throw new Error(`no ${service} span ${name}${under ? ` under ${under.name}` : ''} in:\n${this.describe()}`);
    return found[0]!;
  }

  parentOf(span: CollectedSpan): CollectedSpan | undefined {
    return span.parentSpanId ? this.byId.get(span.parentSpanId) : undefined;
  }

  isUnder(span: CollectedSpan, ancestor: CollectedSpan): boolean {
    for (let at = this.parentOf(span); at; at = this.parentOf(at)) if (at.spanId === ancestor.spanId) return true;
    return false;
  }

  /** The chain from the root down to `span`, as "service: name". */
  path(span: CollectedSpan): string[] {
    const chain: string[] = [];
    for (let at: CollectedSpan | undefined = span; at; at = this.parentOf(at)) chain.unshift(`${at.service}: ${at.name}`);
    return chain;
  }

  describe(): string {
    const sorted = [...this.spans].sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
    return sorted.map((s) => `${s.service}\t${s.name}\t<- ${this.parentOf(s) ? `${this.parentOf(s)!.service}: ${this.parentOf(s)!.name}` : s.parentSpanId ?? '(root)'}`).join('\n');
  }
}

const ROOT = resolve(__dirname, '../../..');
const LOG_DIR = join(ROOT, 'test-artifacts', 'logs');

async function until<T>(probe: () => T | undefined, timeoutMs: number, what: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((wake) => setTimeout(wake, 100));
  }
}

/**
 * SPEC §9: one trace from the trainee's socket event through the gateway, NATS commands, JetStream events, BullMQ jobs,
 * Prisma queries and back to the socket push, exported over OTLP by every service; the trace id in their log lines.
 */
describe('tracing: one trainee turn is one trace', () => {
  let receiver: OtlpReceiver;
  let platform: TestPlatform;
  let gateway: string;
  let token: string;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    // One service at a time: four processes loading the SDK at once on a busy 2-core box can outlast the readiness wait.
    platform = await TestPlatform.start({
      services: ['session'],
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    });
    for (const service of ['asr', 'turn-pipeline', 'gateway'] as const) await platform.startService(service);
    gateway = platform.url('gateway');
    token = await devToken(gateway, 'trainee-tracing');
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  it('connects socket event → command → session (Prisma, pg) → events → BullMQ jobs in asr and turn-pipeline → push to the socket', async () => {
    const created = await createSession(gateway, token, 'support-double-charge');
    expect(created.status).toBe(201);
    const sessionId = created.body.session.id;
    const client = await PracticeClient.connect(gateway, token);
    try {
      await client.join(sessionId);
      await client.next('ai_turn', (e) => e.turn.sequence === 0);
      const ack = await client.turn(sessionId, 1, await spokenMp3('Could you please verify the email on your account for me'));
      expect(ack).toMatchObject({ ok: true, sequence: 1 });
      await client.next('transcript', (e) => e.turnId === ack.turnId);
      await client.next('ai_turn', (e) => e.turn.sequence === 2);
    } finally {
      client.close();
    }

    // Every service exported to the collector with the protocol asked for, under its own service name.
    expect([...receiver.contentTypes]).toEqual(['application/json']);
    const root = await until(
      () => receiver.spans.find((s) => s.name === 'socket trainee_turn'),
      10_000,
      () => 'the trainee_turn socket span',
    );
    // Spans arrive in batches from four processes, a parent after its children: the trace is complete once the AI's
    // reply was pushed and every span's parent has arrived.
    const trace = await until(
      () => {
        const spans = receiver.trace(root.traceId);
        const ids = new Set(spans.map((s) => s.spanId));
        const whole = spans.every((s) => !s.parentSpanId || ids.has(s.parentSpanId));
        return whole && spans.some((s) => s.name === 'push ai_turn') && spans.some((s) => s.name === 'push transcript') ? new Trace(spans) : undefined;
      },
      15_000,
      () => `push spans in trace ${root.traceId}:\n${new Trace(receiver.trace(root.traceId)).describe()}`,
    );
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    writeFileSync(join(ROOT, 'test-artifacts', 'trainee-turn-trace.txt'), `${trace.describe()}\n`);

    // Gateway: the socket event starts the trace and sends the command.
    expect(root).toMatchObject({ service: 'gateway', kind: Kind.SERVER, parentSpanId: undefined });
    const submit = trace.find('gateway', 'send session.turn.submit', root);
    expect(submit.kind).toBe(Kind.PRODUCER);
    expect(trace.parentOf(submit)).toBe(root);

    // Session: the command is handled as a child of the caller's span, with Prisma and pg spans beneath it.
    const handled = trace.find('session', 'process session.turn.submit');
    expect(handled.kind).toBe(Kind.CONSUMER);
    expect(trace.parentOf(handled)).toBe(submit);
    const prisma = trace.find('session', /^prisma:client:operation$/, handled);
    expect(prisma.attributes).toHaveProperty('method');
    const sql = trace.find('session', /^pg\.query/, handled);
    expect(sql.attributes).toMatchObject({ 'db.system.name': 'postgresql' });
    const accepted = trace.find('session', 'send session.trainee_turn_accepted', handled);
    expect(accepted.kind).toBe(Kind.PRODUCER);

    // ASR: the JetStream event, then a BullMQ job (producer and worker spans carried through the job), then its event.
    const asrConsumes = trace.find('asr', 'process session.trainee_turn_accepted');
    expect(trace.parentOf(asrConsumes)).toBe(accepted);
    const transcribeAdded = trace.find('asr', /transcription/, asrConsumes);
    expect(transcribeAdded.kind).toBe(Kind.PRODUCER);
    const transcribeJob = trace.spans.find((s) => s.service === 'asr' && s.kind === Kind.CONSUMER && /transcription/.test(s.name) && trace.isUnder(s, transcribeAdded));
    expect(transcribeJob).toBeDefined();
    const transcribed = trace.find('asr', 'send asr.turn_transcribed', transcribeJob);

    // Gateway pushes the transcript.
    const gatewayTranscript = trace.find('gateway', 'process asr.turn_transcribed');
    expect(trace.parentOf(gatewayTranscript)).toBe(transcribed);
    trace.find('gateway', 'push transcript', gatewayTranscript);

    // Turn pipeline: the transcript event, its reply job, the reply event.
    const pipelineConsumes = trace.find('turn-pipeline', 'process asr.turn_transcribed');
    expect(trace.parentOf(pipelineConsumes)).toBe(transcribed);
    const replyAdded = trace.find('turn-pipeline', /turn-pipeline/, pipelineConsumes);
    expect(replyAdded.kind).toBe(Kind.PRODUCER);
    const replyJob = trace.spans.find((s) => s.service === 'turn-pipeline' && s.kind === Kind.CONSUMER && /turn-pipeline/.test(s.name) && trace.isUnder(s, replyAdded));
    expect(replyJob).toBeDefined();
    const replyReady = trace.find('turn-pipeline', 'send pipeline.ai_reply_ready', replyJob);

    // Session records the reply (through its outbox) and announces the turn; the gateway pushes it to the socket.
    const recorded = trace.find('session', 'process pipeline.ai_reply_ready');
    expect(trace.parentOf(recorded)).toBe(replyReady);
    const turnRecorded = trace.find('session', 'send session.turn_recorded', recorded);
    const gatewayRecorded = trace.find('gateway', 'process session.turn_recorded');
    expect(trace.parentOf(gatewayRecorded)).toBe(turnRecorded);
    const push = trace.find('gateway', 'push ai_turn', gatewayRecorded);
    expect(push.attributes).toMatchObject({ 'socket.io.event': 'ai_turn', 'parley.session_id': sessionId });
    // The reply reached the socket on the same trace the trainee's event started.
    expect(trace.path(push)[0]).toBe('gateway: socket trainee_turn');

    // A REST request is traced the same way: the gateway's HTTP server span → its command → the session service.
    const createSent = receiver.spans.find((s) => s.service === 'gateway' && s.name === 'send session.create');
    expect(createSent).toBeDefined();
    const rest = new Trace(receiver.trace(createSent!.traceId));
    const httpRoot = rest.spans.find((s) => !s.parentSpanId)!;
    expect(httpRoot).toMatchObject({ service: 'gateway', kind: Kind.SERVER, attributes: expect.objectContaining({ 'http.route': '/api/sessions' }) });
    expect(rest.isUnder(createSent!, httpRoot)).toBe(true);
    expect(rest.parentOf(rest.find('session', 'process session.create'))).toBe(createSent);

    // Logs: the workers' lines about this turn carry its trace id and span ids, and the correlation id the gateway gave
    // the socket event came along through the command, the events and the job data. (The session service logs
    // nothing at info level for a turn that goes well.)
    const correlationId = root.attributes['parley.correlation_id'];
    expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
    const lines = readdirSync(LOG_DIR)
      .filter((file) => file.startsWith(`${platform.namespace}-`))
      .flatMap((file) => readFileSync(join(LOG_DIR, file), 'utf8').split('\n'))
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.traceId === root.traceId);
    const spanIds = new Set(trace.spans.map((s) => s.spanId));
    for (const line of lines) expect(spanIds.has(String(line.spanId))).toBe(true);
    const transcribedLine = lines.find((line) => line.service === 'asr' && line.msg === 'transcript published');
    expect(transcribedLine).toMatchObject({ correlationId, sessionId, spanId: transcribeJob!.spanId });
    const replyLine = lines.find((line) => line.service === 'turn-pipeline' && line.msg === 'AI turn ready');
    expect(replyLine).toMatchObject({ correlationId, sessionId, spanId: replyJob!.spanId });
  }, 120_000);
});
