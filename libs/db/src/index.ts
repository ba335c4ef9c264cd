/**
 * @parley/db: Parley's Postgres schema (prisma/schema.prisma), migrations, Prisma client and seed data.
 *
 * The generated client (Prisma 6.19, `prisma-client` generator, WebAssembly query compiler + `pg` adapter) is
 * re-exported here: `PrismaClient`, the `Prisma` namespace, model types (`PracticeSession`, `Turn`...) and enums
 * (`SessionStatus`, `Speaker`...; their values equal the contracts' enums).
 */
export * from './generated/prisma/client';
export { createPrismaClient, type CreatePrismaClientOptions } from './client';
export { migrateDatabase, runPrismaCli, prismaCliPath, type MigrateOptions, type MigrateResult } from './migrate';
export {
  ensureDatabase,
  dropDatabase,
  resetDatabaseSchema,
  createPgAdapter,
  databaseName,
  withDatabase,
  redactUrl,
  type PgAdapterOptions,
} from './pg';
export { assertTestDatabase } from './test-db';
export { scenarioColumns, canonicalJson, sameContent, type ScenarioColumns } from './scenario-columns';
export {
  seedDatabase,
  loadSeedData,
  validateSeedData,
  seedDataDir,
  SeedDataError,
  type SeedData,
  type ValidSeedData,
  type SeedReport,
  type SeedCounts,
  type SeedScenario,
  type SeedPromptTemplate,
} from './seed';
export { DB_LIB_DIR, PRISMA_CONFIG_PATH, PRISMA_SCHEMA_PATH, MIGRATIONS_DIR } from './paths';
// NestJS wiring (src/db.module.ts, added by the services' authors): `DbModule.forRoot({ databaseUrl })` provides the
// client under the `PRISMA` token and registers Postgres readiness.
export { DbModule, PRISMA } from './db.module';
