import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import pino from 'pino';
import { Writable } from 'node:stream';
import { withLogContext } from './log-context';
import { pinoOptions } from './logger';
import { SpanKind, activeTraceIds, inSpan, startTracing, tracingEnabled } from './tracing';

/** A pino logger with the services' options, writing its JSON lines into an array. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')));
      done();
    },
  });
  return { logger: pino(pinoOptions('test', 'info'), sink), lines };
}

describe('tracing switched off (no OTLP endpoint)', () => {
  it('does not start the SDK, and spans cost nothing but still run the work', async () => {
    const saved = { ...process.env };
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    try {
      expect(startTracing('test')).toBe(false);
      expect(tracingEnabled()).toBe(false);
      await expect(inSpan('work', {}, async () => activeTraceIds())).resolves.toEqual({});
    } finally {
      process.env = saved;
    }
  });
});

describe('with a tracer provider', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
  });

  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it('puts the active span’s trace and span id into every log line, beside the log context', async () => {
    const { logger, lines } = capturingLogger();
    logger.info('outside');
    let ids: { traceId?: string; spanId?: string } = {};
    await inSpan('handling', { kind: SpanKind.CONSUMER }, async (span) => {
      ids = { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
      withLogContext({ correlationId: 'corr-1' }, () => logger.info('inside'));
    });
    expect(lines[0]).not.toHaveProperty('traceId');
    expect(lines[1]).toMatchObject({ msg: 'inside', correlationId: 'corr-1', ...ids });
    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('ends the span when the work settles and marks a thrown error, unless it is not a failure', async () => {
    exporter.reset();
    await expect(inSpan('fails', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(inSpan('expected', {}, async () => Promise.reject(new Error('404')), () => false)).rejects.toThrow('404');
    const [failed, expected] = exporter.getFinishedSpans();
    expect(failed).toMatchObject({ name: 'fails', status: { code: 2, message: 'boom' } });
    expect(expected).toMatchObject({ name: 'expected', status: { code: 0 } });
  });
});
