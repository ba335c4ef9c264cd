import { Global, Module, RequestMethod, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { traceIdOf, withLogContext } from './log-context';
import { pinoOptions } from './logger';
import { Metrics } from './metrics';
import { OpsController } from './ops.controller';
import { Readiness } from './readiness';

export interface ObservabilityOptions {
  service: string;
  logLevel: string;
}

/** JSON logs with request/session context, Prometheus metrics and the health endpoints, for any service. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            ...pinoOptions(options.service, options.logLevel),
            genReqId: (req: IncomingMessage) => (req.headers['x-correlation-id'] as string | undefined) ?? randomUUID(),
            // Probes and scrapes every few seconds would drown the request log.
            autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|ready|metrics)/.test(req.url ?? '') },
            wrapSerializers: true,
          },
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        }),
        // Probes every few seconds during an outage would log the same failure each time; /ready says it.
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [OpsController],
      providers: [
        { provide: Metrics, useValue: new Metrics(options.service) },
        { provide: Readiness, useValue: new Readiness() },
      ],
      exports: [Metrics, Readiness],
    };
  }
}

/** Express middleware that opens a log context per request, so non-request loggers see the correlation id too. */
export function requestLogContext(req: IncomingMessage, _res: unknown, next: () => void): void {
  // The request logger (genReqId) reads the same header, so both agree on the id.
  const given = req.headers['x-correlation-id'];
  const correlationId = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
  req.headers['x-correlation-id'] = correlationId;
  withLogContext({ correlationId, traceId: traceIdOf(req.headers.traceparent as string | undefined) }, next);
}
