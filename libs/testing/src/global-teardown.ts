import { Client } from 'pg';
import { databaseUrl, testInfra } from './infra';

/** Drops this run's template database (each platform drops its own clone when it stops). */
export default async function globalTeardown(): Promise<void> {
  const runId = process.env.PARLEY_TEST_RUN;
  if (!runId) return;
  const admin = new Client({ connectionString: databaseUrl(testInfra().postgresServerUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "parley_test_run_${runId}_template" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await (globalThis as { stopInfraContainers?: () => Promise<void> }).stopInfraContainers?.();
}
