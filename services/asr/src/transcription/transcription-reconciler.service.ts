import { Periodic } from '@parley/observability';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Jobs, Queues, jobId } from '@parley/contracts';
import { PRISMA, type PrismaClient } from '@parley/db';
import { JobQueues, reviveJob } from '@parley/queue';
import { ASR_CONFIG, type AsrConfig } from '../config';
import { TRANSCRIBE_ATTEMPTS } from './transcription.service';

/** A trainee turn still pending after this long is looked at; transcription normally takes a second or two. */
const PENDING_FOR_MS = 30_000;

/**
 * Every accepted trainee turn is transcribed once (SPEC §4.5), even when its job failed outside our handler (stalled
 * past its limit, its worker killed on the last attempt): turns pending for long get their job revived.
 */
@Injectable()
export class TranscriptionReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TranscriptionReconciler.name);
  private readonly periodic: Periodic;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(ASR_CONFIG) config: AsrConfig,
    private readonly queues: JobQueues,
  ) {
    this.periodic = new Periodic('transcription reconciliation', config.ASR_RECONCILE_INTERVAL_MS, () => this.reconcile(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.periodic.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }

  async reconcile(): Promise<void> {
    const pending = await this.prisma.turn.findMany({
      where: {
        speaker: 'trainee',
        transcriptionStatus: 'pending',
        audioKey: { not: null },
        createdAt: { lt: new Date(Date.now() - PENDING_FOR_MS) },
        session: { mode: 'turn' },
      },
      select: { id: true, sessionId: true, sequence: true, audioKey: true, createdAt: true },
      take: 500,
    });
    for (const turn of pending) {
      const outcome = await reviveJob(
        this.queues,
        Queues.Transcription,
        Jobs.TranscribeTurn,
        { sessionId: turn.sessionId, turnId: turn.id, sequence: turn.sequence, audioKey: turn.audioKey!, acceptedAt: turn.createdAt.getTime() },
        { jobId: jobId('transcribe', turn.id), attempts: TRANSCRIBE_ATTEMPTS },
      );
      if (outcome !== 'alive') this.logger.warn({ sessionId: turn.sessionId, turnId: turn.id, outcome }, 'revived a lost transcription job');
    }
  }
}
