import { PrismaClient } from './generated/prisma/client';
import { createPgAdapter, type PgAdapterOptions } from './pg';

export interface CreatePrismaClientOptions extends PgAdapterOptions {
  /** Prisma log levels, e.g. ['warn', 'error']. */
  log?: Array<'query' | 'info' | 'warn' | 'error'>;
}

/**
 * A Prisma client over the `pg` driver adapter and the WebAssembly query compiler: no engine binary, nothing
 * downloaded. Call `$disconnect()` when done (it ends the pool).
 */
export function createPrismaClient(databaseUrl: string, options: CreatePrismaClientOptions = {}): PrismaClient {
  if (!databaseUrl) throw new Error('createPrismaClient needs a database URL (postgresql://user@host:5432/database)');
  const { log, ...adapterOptions } = options;
  return new PrismaClient({ adapter: createPgAdapter(databaseUrl, adapterOptions), ...(log ? { log } : {}) });
}
