import { headers as natsHeaders } from '@nats-io/nats-core';
import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AppError, Commands, Events } from '@parley/contracts';
import { withLogContext } from '@parley/observability';
import { cleanupNamespace, testInfra } from '@parley/testing';
import { randomBytes } from 'node:crypto';
import { Bus } from './bus';
import { newContext, type MessageContext } from './context';
import { contextOfTraceparent, extractTraceHeaders, injectTraceHeaders, sendingParent, traceparentOf } from './trace-context';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();
const tracer = () => trace.getTracer('trace-context.spec');

beforeAll(() => {
  // What the SDK registers in a service process (tracing.ts), without exporting anywhere.
  context.setGlobalContextManager(contextManager.enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
});

afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  propagation.disable();
  context.disable();
});

beforeEach(() => exporter.reset());

const spanNamed = (name: string): ReadableSpan => {
  const span = exporter.getFinishedSpans().find((s) => s.name === name);
  if (!span) throw new Error(`no span ${name}; got ${exporter.getFinishedSpans().map((s) => s.name).join(', ')}`);
  return span;
};

describe('trace context in NATS headers', () => {
  it('carries the sending span across headers: same trace, that span as the parent', () => {
    const headers = natsHeaders();
    const sender = tracer().startSpan('sender');
    injectTraceHeaders(trace.setSpan(context.active(), sender), headers);
    sender.end();

    expect(headers.get('traceparent')).toMatch(new RegExp(`^00-${sender.spanContext().traceId}-${sender.spanContext().spanId}-01$`));
    const received = trace.getSpanContext(extractTraceHeaders(headers));
    expect(received).toMatchObject({ traceId: sender.spanContext().traceId, spanId: sender.spanContext().spanId, isRemote: true });
  });

  it('reads nothing from a message without trace headers, or without headers at all', () => {
    expect(trace.getSpanContext(extractTraceHeaders(natsHeaders()))).toBeUndefined();
    expect(trace.getSpanContext(extractTraceHeaders(undefined))).toBeUndefined();
  });

  it('turns a span into a W3C traceparent and back', () => {
    const span = tracer().startSpan('stored');
    const traceparent = traceparentOf(trace.setSpan(context.active(), span))!;
    span.end();
    expect(traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    expect(trace.getSpanContext(contextOfTraceparent(traceparent))).toMatchObject({
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
    });
    expect(traceparentOf(context.active())).toBeUndefined();
  });

  it('prefers an explicit traceparent (an outbox entry relayed later) over the active span as the parent', () => {
    const written = tracer().startSpan('wrote the entry');
    const traceparent = traceparentOf(trace.setSpan(context.active(), written))!;
    written.end();
    tracer().startActiveSpan('sweep', (sweep) => {
      expect(trace.getSpanContext(sendingParent(traceparent))?.spanId).toBe(written.spanContext().spanId);
      expect(trace.getSpanContext(sendingParent(undefined))?.spanId).toBe(sweep.spanContext().spanId);
      sweep.end();
    });
  });

  it('newContext carries on the correlation id and the span of the work in progress', () => {
    const outside = newContext();
    expect(outside.traceparent).toBeUndefined();
    expect(outside.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    withLogContext({ correlationId: 'corr-handled' }, () =>
      tracer().startActiveSpan('handling', (span) => {
        expect(newContext()).toEqual({ correlationId: 'corr-handled', traceparent: `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01` });
        // What a caller gives explicitly wins.
        expect(newContext({ correlationId: 'given' }).correlationId).toBe('given');
        span.end();
      }),
    );
  });
});

describe('bus spans over real NATS', () => {
  const infra = testInfra();
  const namespace = `t${randomBytes(4).toString('hex')}`;
  let bus: Bus;

  beforeAll(async () => {
    bus = await Bus.connect({ url: infra.natsUrl, namespace, service: 'trace-test', requestTimeoutMs: 2_000 });
  });

  afterAll(async () => {
    await bus.close(0);
    await cleanupNamespace(namespace);
  });

  it('a command: producer span at the caller, consumer span at the handler as its child, correlation id carried', async () => {
    let seen: MessageContext | undefined;
    let handlerSpan: string | undefined;
    bus.serve({
      [Commands.SkillList]: async (_payload, ctx) => {
        seen = ctx;
        handlerSpan = trace.getActiveSpan()?.spanContext().spanId;
        return [];
      },
      [Commands.TemplateList]: async () => {
        throw new AppError('not_found', 'nothing here');
      },
    });
    const caller = { userId: 'u1', roles: ['trainee'] };
    const root = await tracer().startActiveSpan('socket trainee_turn', { kind: SpanKind.SERVER }, async (span) => {
      await withLogContext({ correlationId: 'corr-command' }, () => bus.request(Commands.SkillList, { caller }));
      await expect(bus.request(Commands.TemplateList, { caller })).rejects.toMatchObject({ code: 'not_found' });
      span.end();
      return span;
    });

    const send = spanNamed(`send ${Commands.SkillList}`);
    const processed = spanNamed(`process ${Commands.SkillList}`);
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(send.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(processed.kind).toBe(SpanKind.CONSUMER);
    expect(processed.spanContext().traceId).toBe(root.spanContext().traceId);
    expect(processed.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(processed.attributes).toMatchObject({ 'messaging.system': 'nats', 'messaging.destination.name': `${namespace}.cmd.${Commands.SkillList}` });
    // The handler runs in the consumer span, and what it sends on continues that span under the caller's id.
    expect(handlerSpan).toBe(processed.spanContext().spanId);
    expect(seen).toEqual({ correlationId: 'corr-command', traceparent: `00-${root.spanContext().traceId}-${processed.spanContext().spanId}-01` });
    // A user's 404 is an answer, not a failure of the system.
    expect(spanNamed(`process ${Commands.TemplateList}`).status.code).toBe(0);
    expect(spanNamed(`process ${Commands.TemplateList}`).attributes['parley.error.code']).toBe('not_found');
  });

  it('an event: published under an explicit traceparent, consumed as a child of its producer span', async () => {
    const consumed = new Promise<{ ctx: MessageContext; span?: string }>((resolve) => {
      void bus.consume(
        { durable: 'trace-test', stream: { name: 'SESSION', subjects: ['session.>'] }, events: [Events.SessionDeleted] },
        { [Events.SessionDeleted]: async (_payload, meta) => resolve({ ctx: meta, span: trace.getActiveSpan()?.spanContext().spanId }) },
      );
    });
    const writer = tracer().startSpan('request that wrote the outbox entry');
    const traceparent = traceparentOf(trace.setSpan(context.active(), writer))!;
    writer.end();
    await bus.publish(
      Events.SessionDeleted,
      { sessionId: 's1', userId: 'u1', deletedAt: new Date().toISOString() },
      { messageId: `deleted-s1-${namespace}`, context: { correlationId: 'corr-event', traceparent } },
    );
    const { ctx, span } = await consumed;

    const send = spanNamed(`send ${Events.SessionDeleted}`);
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(send.parentSpanContext?.spanId).toBe(writer.spanContext().spanId);
    expect(send.attributes['messaging.message.id']).toBe(`deleted-s1-${namespace}`);
    // The consumer span ends after the handler resolved and the message was acknowledged.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const processed = spanNamed(`process ${Events.SessionDeleted}`);
    expect(processed.kind).toBe(SpanKind.CONSUMER);
    expect(processed.spanContext().traceId).toBe(writer.spanContext().traceId);
    expect(processed.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(span).toBe(processed.spanContext().spanId);
    expect(ctx.correlationId).toBe('corr-event');
  });
});
