import { Global, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Readiness } from '@parley/observability';
import { ObjectStorage, createObjectStorage, type ObjectStorageConfig } from './object-storage';

@Injectable()
class StorageLifecycle implements OnApplicationShutdown {
  constructor(private readonly storage: ObjectStorage) {}

  onApplicationShutdown(): void {
    this.storage.close();
  }
}

/** Provides {@link ObjectStorage} (bucket ensured at boot) and reports it in `/ready`. */
@Global()
@Module({})
export class StorageModule {
  static forRoot(config: ObjectStorageConfig): DynamicModule {
    return {
      module: StorageModule,
      providers: [
        {
          provide: ObjectStorage,
          inject: [Readiness],
          useFactory: async (readiness: Readiness) => {
            const storage = createObjectStorage(config);
            await storage.ensureBucket();
            readiness.register('s3', () => storage.ping());
            return storage;
          },
        },
        StorageLifecycle,
      ],
      exports: [ObjectStorage],
    };
  }
}
