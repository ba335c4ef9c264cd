import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Commands, Consumers, Events, Jobs, Queues, callerOf as caller, type EvaluationCommands } from '@parley/contracts';
import { Bus } from '@parley/bus';
import { withLogContext } from '@parley/observability';
import { JobQueues, attemptOf } from '@parley/queue';
import { EVALUATOR_CONFIG, type EvaluatorConfig } from '../config';
import { EvaluationService } from './evaluation.service';

type Req<C extends keyof EvaluationCommands> = EvaluationCommands[C]['request'];

/** NATS and BullMQ adapters of the evaluator: each handler is one call into {@link EvaluationService}. */
@Injectable()
export class EvaluationMessaging implements OnApplicationBootstrap {
  constructor(
    private readonly bus: Bus,
    private readonly queues: JobQueues,
    private readonly evaluations: EvaluationService,
    @Inject(EVALUATOR_CONFIG) private readonly config: EvaluatorConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.bus.serve({
      [Commands.EvaluationGet]: (r) => this.evaluations.get(caller(r), (r as Req<'evaluation.get'>).sessionId),
      [Commands.EvaluationRequeue]: (r) => this.evaluations.requeue(caller(r), (r as Req<'evaluation.requeue'>).sessionId),
    });
    await this.bus.consume(Consumers.EvaluatorScoresSessions, {
      [Events.SessionEnded]: (event) => this.evaluations.sessionEnded(event),
      [Events.SessionDeleted]: (event) => this.evaluations.sessionDeleted(event),
    });
    this.queues.work(
      Queues.Evaluation,
      { [Jobs.EvaluateSession]: ({ sessionId, queuedAt }, job) => this.evaluations.run(sessionId, queuedAt, attemptOf(job)) },
      {
        concurrency: this.config.EVAL_CONCURRENCY,
        stalledIntervalMs: this.config.QUEUE_STALLED_INTERVAL_MS,
        around: (job, work) => withLogContext({ sessionId: (job.data as { sessionId: string }).sessionId, jobId: job.id }, work),
      },
    );
  }
}
