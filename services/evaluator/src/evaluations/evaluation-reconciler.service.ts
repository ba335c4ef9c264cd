import { Periodic } from '@parley/observability';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVALUATOR_CONFIG, type EvaluatorConfig } from '../config';
import { EvaluationService } from './evaluation.service';

/** Evaluations untouched this long, with no live job behind them, are settled as failed. */
const ABANDONED_AFTER_MS = 10_000;

/** Periodically settles evaluations whose job ended outside our code (see {@link EvaluationService.settleAbandoned}). */
@Injectable()
export class EvaluationReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EvaluationReconciler.name);
  private readonly periodic: Periodic;

  constructor(
    private readonly evaluations: EvaluationService,
    @Inject(EVALUATOR_CONFIG) config: EvaluatorConfig,
  ) {
    this.periodic = new Periodic(
      'evaluation reconciliation',
      config.EVAL_RECONCILE_INTERVAL_MS,
      () => this.evaluations.settleAbandoned(ABANDONED_AFTER_MS),
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.periodic.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }
}
