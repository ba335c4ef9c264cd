import { Injectable } from '@nestjs/common';
import { Jobs, Queues, jobId } from '@parley/contracts';
import type { PracticeSession } from '@parley/db';
import { JobQueues } from '@parley/queue';

const idleJobId = (sessionId: string, idleAt: Date) => jobId('idle', sessionId, idleAt.getTime());
const maxDurationJobId = (sessionId: string) => jobId('maxdur', sessionId);

/**
 * Server-authoritative, durable timers (SPEC §4.8): delayed BullMQ jobs in Redis, so a deadline fires even when
 * the replica that armed it is gone. The session row holds the deadline; a job that fires for a deadline that
 * has since moved (idle re-armed by a turn) finds it in the future and does nothing (see TimerJobs).
 */
@Injectable()
export class SessionTimers {
  constructor(private readonly queues: JobQueues) {}

  async armMaxDuration(session: Pick<PracticeSession, 'id' | 'maxDurationAt'>): Promise<void> {
    if (!session.maxDurationAt) return;
    await this.queues.add(Queues.SessionTimers, Jobs.MaxDuration, { sessionId: session.id }, {
      jobId: maxDurationJobId(session.id),
      delayMs: Math.max(0, session.maxDurationAt.getTime() - Date.now()),
      attempts: 5,
      backoffMs: 200,
    });
  }

  /** Arms the idle deadline at `idleAt` and disarms the one it replaces. */
  async armIdle(sessionId: string, idleAt: Date, previousIdleAt: Date | null): Promise<void> {
    await this.queues.add(Queues.SessionTimers, Jobs.IdleTimeout, { sessionId, armedAt: Date.now() }, {
      jobId: idleJobId(sessionId, idleAt),
      delayMs: Math.max(0, idleAt.getTime() - Date.now()),
      attempts: 5,
      backoffMs: 200,
    });
    if (previousIdleAt && previousIdleAt.getTime() !== idleAt.getTime()) {
      await this.queues.remove(Queues.SessionTimers, idleJobId(sessionId, previousIdleAt));
    }
  }

  async disarm(session: Pick<PracticeSession, 'id' | 'idleAt'>): Promise<void> {
    await this.queues.remove(Queues.SessionTimers, maxDurationJobId(session.id));
    if (session.idleAt) await this.queues.remove(Queues.SessionTimers, idleJobId(session.id, session.idleAt));
  }
}
