import type { HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';

/** A named check of one dependency; resolves true when the dependency answers. */
export type ReadinessCheck = () => Promise<boolean>;

/**
 * The dependencies a service really uses register themselves here; `/ready` asks each of them, live, with a
 * timeout, so a lost connection shows at once and a restored one without restarting the service.
 */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /** Every registered check as a terminus health indicator: up, or down with the reason. */
  indicators(health: HealthIndicatorService, timeoutMs = 1_500): HealthIndicatorFunction[] {
    return [...this.checks].map(([name, check]) => async () => {
      const failure = await failureOf(check, timeoutMs);
      return failure === undefined ? health.check(name).up() : health.check(name).down({ message: failure });
    });
  }
}

/** Why the check failed (it answered false, threw, or did not answer in time); undefined when it passed. */
async function failureOf(check: ReadinessCheck, timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check().then(
        (up) => (up ? undefined : 'check failed'),
        (error: unknown) => (error instanceof Error ? error.message : String(error)) || 'check failed',
      ),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
