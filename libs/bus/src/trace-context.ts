import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context as otelContext,
  defaultTextMapGetter,
  defaultTextMapSetter,
  isSpanContextValid,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { MsgHdrs } from '@nats-io/nats-core';

/**
 * Trace context across NATS. There is no OpenTelemetry instrumentation for NATS, so the bus does what one would:
 * the configured propagator (W3C `traceparent`/`tracestate` and `baggage` by default) writes the sending span's
 * context into the message headers and the receiver reads it back, and each send and each handled message is a
 * producer or consumer span.
 */

const headerSetter: TextMapSetter<MsgHdrs> = { set: (headers, key, value) => headers.set(key, value) };

const headerGetter: TextMapGetter<MsgHdrs> = {
  keys: (headers) => headers.keys(),
  // MsgHdrs answers '' for a missing header; the propagators expect undefined.
  get: (headers, key) => (headers.has(key) ? headers.get(key) : undefined),
};

/** Writes `ctx` (the sending span) into NATS headers. */
export function injectTraceHeaders(ctx: Context, headers: MsgHdrs): void {
  propagation.inject(ctx, headers, headerSetter);
}

/** The remote context carried by NATS headers (the root context when there is none). */
export function extractTraceHeaders(headers: MsgHdrs | undefined): Context {
  return headers ? propagation.extract(ROOT_CONTEXT, headers, headerGetter) : ROOT_CONTEXT;
}

// The `traceparent` of a MessageContext is a W3C string whatever the deployment's propagators are: it is stored
// with outbox entries and read back later, possibly by another replica.
const w3c = new W3CTraceContextPropagator();

/** The W3C traceparent of `ctx`'s span, if it has a valid one. */
export function traceparentOf(ctx: Context = otelContext.active()): string | undefined {
  const span = trace.getSpanContext(ctx);
  if (!span || !isSpanContextValid(span)) return undefined;
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, defaultTextMapSetter);
  return carrier.traceparent;
}

/** A context whose (remote) parent is the span a W3C traceparent names. */
export function contextOfTraceparent(traceparent: string, base: Context = ROOT_CONTEXT): Context {
  return w3c.extract(base, { traceparent }, defaultTextMapGetter);
}

/**
 * The parent of a message sent on behalf of `traceparent`: that span when given (an outbox entry relayed later
 * still belongs to the request that wrote it), else the active span.
 */
export function sendingParent(traceparent: string | undefined): Context {
  return traceparent ? contextOfTraceparent(traceparent, otelContext.active()) : otelContext.active();
}

const tracer = () => trace.getTracer('parley-bus');

/** Messaging attributes of the OpenTelemetry semantic conventions, for a NATS subject. */
export function messagingAttributes(operation: 'send' | 'process', subject: string, extra: Attributes = {}): Attributes {
  return {
    'messaging.system': 'nats',
    'messaging.operation.type': operation,
    'messaging.destination.name': subject,
    ...extra,
  };
}

/**
 * Runs `work` in a span of `kind` under `parent`; the span ends when `work` settles. `isFailure` decides whether a
 * thrown error marks the span failed (a user's `not_found` reply is not a failure of the system).
 */
export function traced<T>(
  name: string,
  kind: SpanKind,
  parent: Context,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  isFailure: (error: unknown) => boolean = () => true,
): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes }, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      if (isFailure(error)) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      }
      throw error;
    } finally {
      span.end();
    }
  });
}

export { SpanKind };
