import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Readiness } from '@parley/observability';
import { createPrismaClient } from './client';
import type { PrismaClient } from './generated/prisma/client';

/** Injection token of the service's {@link PrismaClient}. */
export const PRISMA = Symbol('PRISMA');

@Injectable()
class DbLifecycle implements OnApplicationShutdown {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.prisma.$disconnect();
  }
}

/** Provides the Prisma client under {@link PRISMA} and reports Postgres in `/ready` with a live `SELECT 1`. */
@Global()
@Module({})
export class DbModule {
  static forRoot(options: { databaseUrl: string }): DynamicModule {
    return {
      module: DbModule,
      providers: [
        {
          provide: PRISMA,
          inject: [Readiness],
          useFactory: (readiness: Readiness) => {
            const prisma = createPrismaClient(options.databaseUrl);
            readiness.register('postgres', async () => {
              await prisma.$queryRaw`SELECT 1`;
              return true;
            });
            return prisma;
          },
        },
        DbLifecycle,
      ],
      exports: [PRISMA],
    };
  }
}
