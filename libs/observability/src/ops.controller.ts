import { Controller, Get, Header, HttpCode, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { Response } from 'express';
import { Metrics } from './metrics';
import { Readiness } from './readiness';
import { Public } from './public';

/** Liveness, readiness and metrics: the same three endpoints on every service, outside `/api`. */
@Public()
@Controller()
export class OpsController {
  constructor(
    private readonly readiness: Readiness,
    private readonly metrics: Metrics,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  /** Liveness: the process answers. Never checks dependencies, so a broken database does not restart pods. */
  @Get('health')
  @HttpCode(200)
  async liveness() {
    return { ...(await this.health.check([])), service: this.metrics.service };
  }

  /**
   * Readiness: 200 when every dependency the service registered answers, else 503. `checks` says up/down per
   * dependency; `details` is terminus's report, with the reason of each failure.
   */
  @Get('ready')
  async ready(@Res() res: Response) {
    const result = await this.health.check(this.readiness.indicators(this.indicators)).catch((error: unknown) => {
      // Terminus reports a failed check as a 503 carrying the same result.
      if (error instanceof ServiceUnavailableException) return error.getResponse() as HealthCheckResult;
      throw error;
    });
    const ready = result.status === 'ok';
    const checks = Object.fromEntries(Object.entries(result.details).map(([name, detail]) => [name, detail.status]));
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', ready, checks, details: result.details });
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metricsText(@Res() res: Response) {
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
