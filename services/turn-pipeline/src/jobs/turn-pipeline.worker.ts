import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Jobs, Queues } from '@parley/contracts';
import { withLogContext } from '@parley/observability';
import { JobQueues } from '@parley/queue';
import type { Worker } from 'bullmq';
import { PIPELINE_CONFIG, type TurnPipelineConfig } from '../config';
import { OpeningTurnService } from '../opening/opening-turn.service';
import { ReplyTurnService } from '../reply/reply-turn.service';
import { attemptOf } from '@parley/queue';

/** Queue adapter: the turn-pipeline worker of this replica; each job is one call into its service. */
@Injectable()
export class TurnPipelineWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: Worker;

  constructor(
    private readonly queues: JobQueues,
    private readonly opening: OpeningTurnService,
    private readonly replies: ReplyTurnService,
    @Inject(PIPELINE_CONFIG) private readonly config: TurnPipelineConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = this.queues.work(
      Queues.TurnPipeline,
      {
        [Jobs.OpeningTurn]: (session) => this.opening.open(session),
        [Jobs.ReplyTurn]: (turn, job) => this.replies.reply(turn, attemptOf(job)),
      },
      {
        concurrency: this.config.PIPELINE_CONCURRENCY,
        stalledIntervalMs: this.config.QUEUE_STALLED_INTERVAL_MS,
        around: (job, work) => withLogContext({ sessionId: (job.data as { sessionId: string }).sessionId, jobId: job.id }, work),
      },
    );
  }

  /** Running jobs finish (and publish) while NATS, storage and the database are still connected. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
