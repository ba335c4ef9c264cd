#!/usr/bin/env node
/**
 * Database operations for deployments and development:
 *
 *   DATABASE_URL=postgresql://... node libs/db/dist/cli.js migrate   # create the database if missing, apply migrations
 *   DATABASE_URL=postgresql://... node libs/db/dist/cli.js seed      # upsert built-in skills, templates, scenarios
 *   DATABASE_URL=postgresql://... node libs/db/dist/cli.js setup     # migrate, then seed (one-shot migration job)
 *   DATABASE_URL=postgresql://..._test node libs/db/dist/cli.js reset  # test databases only: wipe, migrate, seed
 *
 * `--database-url <url>` may replace DATABASE_URL. Exit code 0 on success, 1 on failure.
 */
import { createPrismaClient } from './client';
import { migrateDatabase } from './migrate';
import { ensureDatabase, redactUrl, resetDatabaseSchema } from './pg';
import { seedDatabase, type SeedReport } from './seed';
import { assertTestDatabase } from './test-db';

const USAGE = 'usage: parley-db <migrate|seed|setup|reset> [--database-url <postgresql://...>] (or DATABASE_URL)';

function log(message: string): void {
  process.stdout.write(`[parley-db] ${message}\n`);
}

async function migrate(url: string): Promise<void> {
  if (await ensureDatabase(url)) log(`created database ${redactUrl(url)}`);
  const { output, durationMs } = await migrateDatabase(url);
  const applied = output.includes('No pending migrations') ? 'no pending migrations' : 'migrations applied';
  log(`migrate deploy: ${applied} (${durationMs} ms)`);
}

async function seed(url: string): Promise<SeedReport> {
  const prisma = createPrismaClient(url, { max: 2 });
  try {
    const started = Date.now();
    const report = await seedDatabase(prisma);
    const line = (name: keyof SeedReport) =>
      `${name} +${report[name].created} ~${report[name].updated} =${report[name].unchanged}`;
    log(`seed: ${line('skills')}, ${line('promptTemplates')}, ${line('scenarios')} (${Date.now() - started} ms)`);
    return report;
  } finally {
    await prisma.$disconnect();
  }
}

export async function main(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const [command, ...rest] = argv;
  const flag = rest.indexOf('--database-url');
  const url = flag >= 0 ? rest[flag + 1] : env.DATABASE_URL;
  if (!command || command === '--help' || command === '-h') {
    log(USAGE);
    return;
  }
  if (!url) throw new Error(`DATABASE_URL is not set. ${USAGE}`);
  switch (command) {
    case 'migrate':
      await migrate(url);
      return;
    case 'seed':
      await seed(url);
      return;
    case 'setup':
      await migrate(url);
      await seed(url);
      return;
    case 'reset':
      assertTestDatabase(url);
      await resetDatabaseSchema(url);
      log(`wiped ${redactUrl(url)}`);
      await migrate(url);
      await seed(url);
      return;
    default:
      throw new Error(`unknown command "${command}". ${USAGE}`);
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`[parley-db] ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
