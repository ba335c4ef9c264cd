import { Global, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Readiness, createLogger } from '@parley/observability';
import { JobQueues } from './queues';

export interface QueueModuleOptions {
  redisUrl: string;
  namespace: string;
  service: string;
}

@Injectable()
class QueueLifecycle implements OnApplicationShutdown {
  constructor(private readonly queues: JobQueues) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queues.close();
  }
}

/** Provides {@link JobQueues}, reports Redis in `/ready`, and lets running jobs finish on shutdown. */
@Global()
@Module({})
export class QueueModule {
  static forRoot(options: QueueModuleOptions): DynamicModule {
    return {
      module: QueueModule,
      providers: [
        {
          provide: JobQueues,
          inject: [Readiness],
          useFactory: (readiness: Readiness) => {
            const queues = new JobQueues(options.redisUrl, options.namespace, createLogger(options.service));
            readiness.register('redis', () => queues.ping());
            return queues;
          },
        },
        QueueLifecycle,
      ],
      exports: [JobQueues],
    };
  }
}
