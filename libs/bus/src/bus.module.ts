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
