/**
 * Prisma CLI configuration: the offline WebAssembly path of Prisma 6.19 (no native engine download).
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/parley npx prisma migrate deploy --config libs/db/prisma.config.ts
 *
 * `migrate dev` also needs a shadow database: SHADOW_DATABASE_URL, else `<database>_shadow` on the same server
 * (created when missing, its public schema reset on every use).
 */
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { createMigrationAdapterFactory } from './src/pg';
import { releaseWasmEngineTimers } from './src/prisma-cli';

releaseWasmEngineTimers();
// No telemetry/update check: it needs the internet.
process.env.CHECKPOINT_DISABLE ||= '1';

// The URL migrations run against. The schema's `url = env("DATABASE_URL")` is only read by the CLI's schema checks,
// which fail without it and then fall back to the native library engine (and try to download it); commands that
// need no database (generate, validate, format) get a placeholder so they stay offline.
const databaseUrl = process.env.DATABASE_URL;
process.env.DATABASE_URL ||= 'postgresql://placeholder@127.0.0.1:5432/placeholder';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(__dirname, 'prisma', 'schema.prisma'),
  migrations: { path: path.join(__dirname, 'prisma', 'migrations') },
  async adapter() {
    if (!databaseUrl) throw new Error('DATABASE_URL is not set (postgresql://user@host:5432/database)');
    return createMigrationAdapterFactory(databaseUrl);
  },
});
