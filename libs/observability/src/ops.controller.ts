import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
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
  ) {}

  /** Liveness: the process answers. Never checks dependencies, so a broken database does not restart pods. */
  @Get('health')
  @HttpCode(200)
  health() {
    return { status: 'ok', service: this.metrics.service };
  }

  @Get('ready')
  async ready(@Res() res: Response) {
    const report = await this.readiness.report();
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'not_ready', ...report });
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metricsText(@Res() res: Response) {
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
