/**
 * OpenTelemetry tracing for a service process.
 *
 * `startTracing` must run before Nest, express, http, pg or ioredis are loaded: the instrumentations patch those
 * modules as they are required. Each service's `main.ts` therefore imports this file first
 * (`@parley/observability/dist/tracing`), which loads nothing but the OpenTelemetry API until tracing is switched on.
 *
 * Tracing is on when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set; the SDK then
 * honours the standard variables (`OTEL_EXPORTER_OTLP_PROTOCOL`/`_TRACES_PROTOCOL` = `http/protobuf` | `http/json`,
 * `OTEL_SERVICE_NAME` (defaults to the service's name), `OTEL_TRACES_SAMPLER`/`_ARG`, `OTEL_BSP_*`,
 * `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_PROPAGATORS`). Unset, the SDK is not even loaded: every span below is the API's
 * no-op and costs a function call.
 */
import {
  SpanKind,
  SpanStatusCode,
  context,
  isSpanContextValid,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';

type Sdk = { start(): void; shutdown(): Promise<void> };

let sdk: Sdk | null = null;

/** Whether this process exports traces (BullMQ's telemetry hooks are only worth their cost then). */
export function tracingEnabled(): boolean {
  return sdk !== null;
}

/** Starts the SDK with the instrumentations Parley uses, when an OTLP endpoint is configured. Idempotent. */
export function startTracing(service: string): boolean {
  const env = process.env;
  if (sdk) return true;
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return false;
  if ((env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true') return false;

  // Loaded only here so a process without tracing never pays for the SDK and its patches.
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { ExpressInstrumentation, ExpressLayerType } =
    require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
  const { NestInstrumentation } = require('@opentelemetry/instrumentation-nestjs-core') as typeof import('@opentelemetry/instrumentation-nestjs-core');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
  const { PrismaInstrumentation } = require('@prisma/instrumentation') as typeof import('@prisma/instrumentation');

  const node = new NodeSDK({
    // OTEL_SERVICE_NAME, when set, wins (the SDK's env detector reads it); the service's own name otherwise.
    serviceName: env.OTEL_SERVICE_NAME ? undefined : service,
    // Traces only: metrics are scraped from /metrics (Prometheus) and logs go to stdout as JSON.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        // Probes, scrapes and socket.io's own transport requests would bury the traces that matter.
        ignoreIncomingRequestHook: (req) => /^\/(health|ready|metrics)(\/|\?|$)|^\/socket\.io\//.test(req.url ?? ''),
      }),
      // Route spans only: one span per express middleware (cors, helmet, parsers) is noise.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
      new NestInstrumentation(),
      // Prisma's driver adapter runs its SQL through `pg`: one span per statement under Prisma's db_query span. Pool
      // pings outside any request and pool checkouts are left out.
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
      // Outbound provider calls: the OpenAI SDK uses fetch (undici).
      new UndiciInstrumentation(),
      // prisma:client:operation / transaction / compile / db_query; serialising the result is not worth a span each.
      new PrismaInstrumentation({ ignoreSpanTypes: ['prisma:client:serialize'] }),
    ],
  });
  node.start();
  sdk = node;
  return true;
}

/** Exports what has been recorded so far (before a graceful exit). Resolves at once when tracing is off. */
export async function flushTracing(): Promise<void> {
  // The global provider is a proxy; the SDK's provider behind it has forceFlush.
  const proxy = trace.getTracerProvider() as { getDelegate?: () => { forceFlush?: () => Promise<void> } };
  await proxy.getDelegate?.().forceFlush?.().catch(() => undefined);
}

/** Flushes and stops the SDK (tests, or the very end of a process). */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = null;
  await running?.shutdown().catch(() => undefined);
}

const tracer = () => trace.getTracer('parley');

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
}

/**
 * Runs `work` in a new active span, a child of the active one; the span ends when `work` settles, and a throw marks
 * it failed. `failed` decides which errors count as failures (e.g. not a user's 404).
 */
export function inSpan<T>(
  name: string,
  options: SpanOptions,
  work: (span: Span) => Promise<T>,
  failed: (error: unknown) => boolean = () => true,
): Promise<T> {
  return tracer().startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      if (failed(error)) failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed by `error` (the span stays open). */
export function failSpan(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** Trace and span id of the active span, for log lines; empty when there is none. */
export function activeTraceIds(): { traceId?: string; spanId?: string } {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : {};
}

export { SpanKind, type Span };
