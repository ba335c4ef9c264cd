import { Periodic } from '@parley/observability';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Jobs, Queues, chatStreamId, jobId } from '@parley/contracts';
import { PRISMA, type PrismaClient } from '@parley/db';
import { JobQueues, reviveJob } from '@parley/queue';
import { PIPELINE_CONFIG, type TurnPipelineConfig } from '../config';
import { replySequence } from '../conversation/history';
import { PIPELINE_JOB_ATTEMPTS } from '../jobs/job-attempt';

/** A session quiet this long while waiting for the AI is looked at; replies normally take a few seconds. */
const WAITING_FOR_AI_MS = 20_000;

/**
 * Every trainee turn gets exactly one AI reply and every session its opening (SPEC §4), even when a job fails outside
 * our code (stalled past its limit on a starved host, or its worker killed on the last attempt). Periodically, the
 * sessions of turn and text mode that wait for the AI get their job revived; jobs still alive are left alone, and
 * the jobs themselves skip a turn that was answered meanwhile.
 */
@Injectable()
export class ReplyReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReplyReconciler.name);
  private readonly periodic: Periodic;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(PIPELINE_CONFIG) config: TurnPipelineConfig,
    private readonly queues: JobQueues,
  ) {
    this.periodic = new Periodic('reply reconciliation', config.PIPELINE_RECONCILE_INTERVAL_MS, () => this.reconcile(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.periodic.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }

  async reconcile(): Promise<void> {
    const waiting = await this.prisma.practiceSession.findMany({
      where: {
        status: 'active',
        mode: { in: ['turn', 'text'] },
        lastActivityAt: { lt: new Date(Date.now() - WAITING_FOR_AI_MS) },
      },
      select: {
        id: true,
        mode: true,
        nextSequence: true,
        turns: { orderBy: { sequence: 'desc' }, take: 1, select: { sequence: true, speaker: true, transcriptionStatus: true, startedAt: true } },
      },
      take: 500,
    });
    for (const session of waiting) {
      const last = session.turns[0];
      let outcome: string;
      if (!last) {
        outcome = await reviveJob(this.queues, Queues.TurnPipeline, Jobs.OpeningTurn, { sessionId: session.id }, {
          jobId: jobId('opening', session.id),
          attempts: PIPELINE_JOB_ATTEMPTS,
        });
      } else if (last.speaker === 'trainee' && last.transcriptionStatus !== 'pending') {
        const sequence = replySequence(last.sequence);
        outcome = await reviveJob(
          this.queues,
          Queues.TurnPipeline,
          Jobs.ReplyTurn,
          {
            sessionId: session.id,
            afterSequence: last.sequence,
            acceptedAt: last.startedAt.getTime(),
            ...(session.mode === 'text' ? { streamId: chatStreamId(session.id, sequence) } : {}),
          },
          { jobId: jobId('reply', session.id, sequence), attempts: PIPELINE_JOB_ATTEMPTS },
        );
      } else {
        continue;
      }
      if (outcome !== 'alive') this.logger.warn({ sessionId: session.id, outcome }, 'revived a lost AI turn job');
    }
  }
}
