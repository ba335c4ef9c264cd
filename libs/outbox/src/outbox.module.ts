import { Global, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Bus } from '@parley/bus';
import { PRISMA, type PrismaClient } from '@parley/db';
import { Metrics, createLogger } from '@parley/observability';
import { JobQueues } from '@parley/queue';
import { Outbox, type OutboxOptions } from './outbox';

const OPTIONS = Symbol('OUTBOX_OPTIONS');

@Injectable()
class OutboxLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly outbox: Outbox) {}

  onApplicationBootstrap(): void {
    this.outbox.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.outbox.stop();
  }
}

/** Provides the service's {@link Outbox} and runs its sweeper while the service runs. */
@Global()
@Module({})
export class OutboxModule {
  static forRoot(options: OutboxOptions & { service: string }): DynamicModule {
    return {
      module: OutboxModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: Outbox,
          inject: [PRISMA, Bus, JobQueues, Metrics, OPTIONS],
          useFactory: (prisma: PrismaClient, bus: Bus, queues: JobQueues, metrics: Metrics, opts: OutboxOptions & { service: string }) => {
            const relays = metrics.counter('outbox_relays_total', 'Outbox entries relayed after commit or by the sweeper', ['path', 'kind', 'outcome']);
            return new Outbox(prisma, bus, queues, createLogger(opts.service), {
              ...opts,
              onRelay: ({ path, kind, ok }) => relays.inc({ path, kind, outcome: ok ? 'ok' : 'failed' }),
            });
          },
        },
        OutboxLifecycle,
      ],
      exports: [Outbox],
    };
  }
}
