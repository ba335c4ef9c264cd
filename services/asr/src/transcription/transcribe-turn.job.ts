import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Jobs, Queues, type JobPayload } from '@parley/contracts';
import { withLogContext } from '@parley/observability';
import { JobQueues } from '@parley/queue';
import type { Worker } from 'bullmq';
import { ASR_CONFIG, type AsrConfig } from '../config';
import { attemptOf } from '@parley/queue';
import { TranscriptionService } from './transcription.service';

/** Queue adapter: the transcription worker of this replica. */
@Injectable()
export class TranscribeTurnJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: Worker;

  constructor(
    private readonly queues: JobQueues,
    private readonly transcription: TranscriptionService,
    @Inject(ASR_CONFIG) private readonly config: AsrConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = this.queues.work(
      Queues.Transcription,
      { [Jobs.TranscribeTurn]: (turn, job) => this.transcription.transcribe(turn, attemptOf(job)) },
      {
        concurrency: this.config.ASR_CONCURRENCY,
        stalledIntervalMs: this.config.QUEUE_STALLED_INTERVAL_MS,
        around: (job, work) => {
          const { sessionId, turnId } = job.data as JobPayload<typeof Jobs.TranscribeTurn>;
          return withLogContext({ sessionId, turnId, jobId: job.id }, work);
        },
      },
    );
  }

  /** Running transcriptions finish (and publish) while NATS and storage are still connected. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
