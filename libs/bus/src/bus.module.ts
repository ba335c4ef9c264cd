import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Readiness, createLogger, traceIdOf, withLogContext } from '@parley/observability';
import { Bus } from './bus';

export interface BusModuleOptions {
  url: string;
  namespace: string;
  service: string;
  requestTimeoutMs: number;
  shutdownGraceMs: number;
}

const OPTIONS = Symbol('BUS_OPTIONS');

@Injectable()
class BusLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly bus: Bus,
    @Inject(OPTIONS) private readonly options: BusModuleOptions,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close(this.options.shutdownGraceMs);
  }
}

/** Provides the connected {@link Bus}, reports NATS in `/ready`, and drains it on shutdown. */
@Global()
@Module({})
export class BusModule {
  /** The usual wiring from a service's parsed environment (`NatsEnv` and `BaseEnv` of @parley/config). */
  static forService(
    service: string,
    env: { NATS_URL: string; PARLEY_NAMESPACE: string; NATS_REQUEST_TIMEOUT_MS: number; SHUTDOWN_GRACE_MS: number },
  ): DynamicModule {
    return BusModule.forRoot({
      url: env.NATS_URL,
      namespace: env.PARLEY_NAMESPACE,
      service,
      requestTimeoutMs: env.NATS_REQUEST_TIMEOUT_MS,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    });
  }

  static forRoot(options: BusModuleOptions): DynamicModule {
    return {
      module: BusModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: Bus,
          inject: [Readiness],
          useFactory: async (readiness: Readiness) => {
            const bus = await Bus.connect({
              ...options,
              logger: createLogger(options.service),
              around: (context, work) =>
                withLogContext({ correlationId: context.correlationId, traceId: traceIdOf(context.traceparent) }, work),
            });
            readiness.register('nats', () => bus.ping());
            return bus;
          },
        },
        BusLifecycle,
      ],
      exports: [Bus],
    };
  }
}
