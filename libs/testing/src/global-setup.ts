import { assertTestDatabase, createPrismaClient, ensureDatabase, migrateDatabase, seedDatabase } from '../../db/src';
import { assertInfraReachable, databaseUrl, testInfra } from './infra';
import { Client } from 'pg';

const TEMPLATE_DATABASE = 'parley_test_template';
const PLATFORM_DATABASE_PREFIX = 'parley_test_p_';

/**
 * Once per `npm test`: checks that the real infrastructure answers, then builds the migrated and seeded template
 * database that every test platform clones. Refuses any database whose name does not say "test".
 */
export default async function globalSetup(): Promise<void> {
  const infra = testInfra();
  await assertInfraReachable(infra);
  const template = databaseUrl(infra.postgresServerUrl, TEMPLATE_DATABASE);
  assertTestDatabase(template);

  const admin = new Client({ connectionString: databaseUrl(infra.postgresServerUrl, 'postgres') });
  await admin.connect();
  try {
    // Leftovers of an interrupted earlier run.
    const stale = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`,
      [`${PLATFORM_DATABASE_PREFIX}%`, TEMPLATE_DATABASE],
    );
    for (const { datname } of stale.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
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
