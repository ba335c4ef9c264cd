import { cpus, loadavg } from 'node:os';
import globalSetup from '../libs/testing/src/global-setup';
import { resetResults } from './harness';

/** The test run's infrastructure and template database, then a fresh results file for this run. */
export default async function benchSetup(): Promise<void> {
  await globalSetup();
  // `BENCH_KEEP_RESULTS=1` adds to the last results (rerunning one benchmark) instead of starting over.
  if (process.env.BENCH_KEEP_RESULTS) return;
  resetResults({ cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, loadavgAtStart: loadavg().map((v) => v.toFixed(2)).join(' ') });
}
