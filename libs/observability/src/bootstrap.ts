import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { createLogger } from './logger';
import { requestLogContext } from './observability.module';
import { flushTracing } from './tracing';

export interface BootstrapOptions {
  service: string;
  port: number;
  host?: string;
  /** Extra setup before listening (global prefix, filters, socket adapters...). */
  configure?: (app: INestApplication) => Promise<void> | void;
  /** Longest time a graceful shutdown may take before the process exits anyway. */
  shutdownGraceMs: number;
}

/**
 * Starts a Nest service the same way everywhere: JSON logs from the first line, shutdown hooks on SIGTERM/SIGINT
 * (modules close their consumers and workers and hand unfinished work back), and a hard exit if shutdown hangs.
 */
export async function bootstrapService(module: unknown, options: BootstrapOptions): Promise<INestApplication> {
  const fallbackLogger = createLogger(options.service);
  process.on('unhandledRejection', (reason) => fallbackLogger.error({ err: reason }, 'unhandled rejection'));
  let app: INestApplication;
  try {
    // abortOnError: false hands a boot failure to us, to be logged as JSON like every other line.
    app = await NestFactory.create(module as never, { bufferLogs: true, abortOnError: false });
  } catch (error) {
    fallbackLogger.fatal({ err: error }, 'service failed to start');
    process.exit(1);
  }
  app.useLogger(app.get(Logger));
  app.use(requestLogContext);
  app.enableShutdownHooks();
  await options.configure?.(app);
  await app.listen(options.port, options.host ?? '0.0.0.0');
  fallbackLogger.info({ port: options.port }, `${options.service} listening`);

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // Spans recorded so far are exported while Nest's shutdown hooks drain the rest.
      void flushTracing();
      // Nest's shutdown hooks run on the same signal; this only guards against a hang.
      setTimeout(() => {
        fallbackLogger.error({ signal }, 'graceful shutdown timed out; exiting');
        process.exit(1);
      }, options.shutdownGraceMs + 5_000).unref();
    });
  }
  return app;
}

/** Runs a service's startup; a failure (bad configuration, unreachable dependency) is logged as JSON and exits 1. */
export function runService(service: string, start: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    createLogger(service).fatal({ err: error }, `${service} failed to start: ${(error as Error)?.message ?? error}`);
    process.exit(1);
  });
}
