import globalTeardown from '../libs/testing/src/global-teardown';
import { renderReport } from './report';

/** Renders the report from whatever the benchmarks recorded (a failed one leaves its levels out), then cleans up. */
export default async function benchTeardown(): Promise<void> {
  try {
    await renderReport();
  } finally {
    await globalTeardown();
  }
}
