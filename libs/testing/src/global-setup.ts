import { assertTestDatabase, createPrismaClient, ensureDatabase, migrateDatabase, seedDatabase } from '../../db/src';
import { startInfraContainers } from './containers';
import { assertInfraReachable, databaseUrl, testInfra } from './infra';
import { Client } from 'pg';

/** Databases of a test run carry its start time, so concurrent runs never drop each other's. */
const RUN_PREFIX = 'parley_test_run';
const STALE_AFTER_SEC = 3 * 3600;

/**
 * Once per `npm test`: checks that the real infrastructure answers, then builds the migrated and seeded template
 * database that every test platform clones. Refuses any database whose name does not say "test".
 */
export default async function globalSetup(): Promise<void> {
  // Order of preference (STACK.md): URLs from the environment, then containers, then the local servers.
  const configured = ['TEST_DATABASE_URL', 'DATABASE_URL', 'REDIS_URL', 'NATS_URL'].some((name) => process.env[name]);
  if (!configured) {
    const containers = await startInfraContainers();
    if (containers) {
      Object.assign(process.env, containers.env);
      (globalThis as { stopInfraContainers?: () => Promise<void> }).stopInfraContainers = containers.stop;
    }
  }
  const infra = testInfra();
  await assertInfraReachable(infra);
  const runId = `${Math.floor(Date.now() / 1000)}_${process.pid}`;
  const templateName = `${RUN_PREFIX}_${runId}_template`;
  // Jest workers start after this and inherit the environment.
  process.env.PARLEY_TEST_RUN = runId;
  const template = databaseUrl(infra.postgresServerUrl, templateName);
  assertTestDatabase(template);

  const admin = new Client({ connectionString: databaseUrl(infra.postgresServerUrl, 'postgres') });
  await admin.connect();
  try {
    // Leftovers of interrupted runs that started long ago.
    const runs = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${RUN_PREFIX}_%`]);
    const now = Date.now() / 1000;
    for (const { datname } of runs.rows) {
      const startedAt = Number(datname.slice(RUN_PREFIX.length + 1).split('_')[0]);
      if (now - startedAt > STALE_AFTER_SEC) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }

  await ensureDatabase(template);
  await migrateDatabase(template);
  const prisma = createPrismaClient(template);
  try {
    await seedDatabase(prisma);
  } finally {
    await prisma.$disconnect();
  }
}
