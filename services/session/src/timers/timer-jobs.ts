import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Jobs, Queues } from '@parley/contracts';
import { PRISMA, type PrismaClient } from '@parley/db';
import { withLogContext } from '@parley/observability';
import { JobQueues } from '@parley/queue';
import { SESSION_CONFIG, type SessionConfig } from '../config';
import { RealtimeHost } from '../realtime/realtime-host.service';
import { SessionLifecycle } from '../sessions/session-lifecycle.service';
import { isOpen } from '../sessions/session-state-machine';
import { SessionTimers } from './session-timers.service';

/** Timers may fire this early (clock skew between replicas) and still count as due. */
const DUE_TOLERANCE_MS = 50;

/** The worker side of the session timers: ends a session whose deadline has really passed. */
@Injectable()
export class TimerJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger(TimerJobs.name);

  constructor(
    private readonly queues: JobQueues,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SESSION_CONFIG) private readonly config: SessionConfig,
    private readonly lifecycle: SessionLifecycle,
    private readonly realtime: RealtimeHost,
    private readonly timers: SessionTimers,
  ) {}

  onApplicationBootstrap(): void {
    this.queues.work(
      Queues.SessionTimers,
      {
        [Jobs.IdleTimeout]: ({ sessionId }) => this.fireIdle(sessionId),
        [Jobs.MaxDuration]: ({ sessionId }) => this.fireMaxDuration(sessionId),
        [Jobs.ClientGone]: ({ sessionId, goneAt }) => this.realtime.clientGone(sessionId, goneAt),
        [Jobs.SweepAudio]: async ({ sessionId }) => void (await this.lifecycle.removeOrphanAudio(sessionId)),
      },
      {
        concurrency: this.config.TIMER_CONCURRENCY,
        stalledIntervalMs: this.config.QUEUE_STALLED_INTERVAL_MS,
        around: (job, work) => withLogContext({ sessionId: (job.data as { sessionId: string }).sessionId, jobId: job.id }, work),
      },
    );
  }

  private async fireIdle(sessionId: string): Promise<void> {
    const session = await this.prisma.practiceSession.findUnique({ where: { id: sessionId } });
    if (!session || !isOpen(session.status) || !session.idleAt) return;
    if (session.idleAt.getTime() > Date.now() + DUE_TOLERANCE_MS) {
      // The deadline moved since this timer was armed. Turns re-arm in the same transaction (this one is stale, the
      // add below finds the new timer there and does nothing); live speech only moves it (SessionActivity), so the
      // timer follows it here.
      await this.timers.armIdleDirectly(session.id, session.idleAt);
      return;
    }
    this.logger.log(`session ${sessionId} idle since ${session.lastActivityAt.toISOString()}`);
    await this.lifecycle.end(sessionId, 'idle_timeout');
  }

  private async fireMaxDuration(sessionId: string): Promise<void> {
    const session = await this.prisma.practiceSession.findUnique({ where: { id: sessionId } });
    if (!session || !isOpen(session.status)) return;
    await this.lifecycle.end(sessionId, 'max_duration');
  }
}
