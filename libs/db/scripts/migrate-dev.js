#!/usr/bin/env node
/**
 * `npm run migrate:dev -w @parley/db -- --name <change>`: create and apply a migration from schema changes
 * (development databases only; needs DATABASE_URL, and a shadow database it creates itself).
 *
 * 1. `migrate deploy` first: the WebAssembly schema engine of Prisma 6.19 fails inside `migrate dev` with
 *    "PostgreSQL shadow DB must be provided through an external factory" when the database has unapplied migrations.
 * 2. `migrate dev <your args>`; it regenerates the client.
 * 3. Re-apply the generated-client patch (scripts/patch-generated-client.js) so `tsc -b` keeps compiling.
 *
 * `--create-only` writes the migration, then Prisma 6.19 exits 1 with "null pointer passed to rust" (it frees the
 * engine twice): the migration file is fine. `prisma migrate diff --from-migrations prisma/migrations
 * --to-schema-datamodel prisma/schema.prisma --script` prints the SQL of pending schema changes without that error.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const libDir = path.join(__dirname, '..');
const cli = require.resolve('prisma/build/index.js', { paths: [libDir] });
const config = path.join(libDir, 'prisma.config.ts');
const env = { ...process.env, CHECKPOINT_DISABLE: '1' };

function run(args) {
  const result = spawnSync(process.execPath, [cli, ...args, '--config', config], { cwd: libDir, env, stdio: 'inherit' });
  return result.status ?? 1;
}

if (!process.env.DATABASE_URL) {
  console.error('DATABASE_URL is not set (postgresql://user@host:5432/database)');
  process.exit(1);
}
let status = run(['migrate', 'deploy']);
if (status === 0) status = run(['migrate', 'dev', ...process.argv.slice(2)]);
require('./patch-generated-client.js');
process.exit(status);
