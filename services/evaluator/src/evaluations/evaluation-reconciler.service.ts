import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVALUATOR_CONFIG, type EvaluatorConfig } from '../config';
import { EvaluationService } from './evaluation.service';

/** Evaluations untouched this long, with no live job behind them, are settled as failed. */
const ABANDONED_AFTER_MS = 10_000;

/** Periodically settles evaluations whose job ended outside our code (see {@link EvaluationService.settleAbandoned}). */
@Injectable()
export class EvaluationReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EvaluationReconciler.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly evaluations: EvaluationService,
    @Inject(EVALUATOR_CONFIG) private readonly config: EvaluatorConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.evaluations
        .settleAbandoned(ABANDONED_AFTER_MS)
        .catch((err: Error) => this.logger.warn({ err: err.message }, 'evaluation reconciliation failed; retried next round'))
        .finally(() => (this.running = null));
    }, this.config.EVAL_RECONCILE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
