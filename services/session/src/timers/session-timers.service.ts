import { Injectable, Logger } from '@nestjs/common';
import { Jobs, Queues, jobId } from '@parley/contracts';
import type { PracticeSession } from '@parley/db';
import type { OutboxWriter } from '@parley/outbox';
import { JobQueues } from '@parley/queue';

const idleJobId = (sessionId: string, idleAt: Date) => jobId('idle', sessionId, idleAt.getTime());
const maxDurationJobId = (sessionId: string) => jobId('maxdur', sessionId);
const TIMER_JOB = { attempts: 5, backoffMs: 200 } as const;

/**
 * Server-authoritative, durable timers (SPEC §4.8): delayed BullMQ jobs in Redis, so a deadline fires even when
 * the replica that armed it is gone. They are armed through the outbox, in the transaction that sets the deadline,
 * so a deadline never exists without a timer at or before it. The session row holds the deadline; a job that fires
 * for a deadline that has since moved finds it in the future and arms the timer of the new one, a no-op when a turn
 * already armed it (see TimerJobs).
 */
@Injectable()
export class SessionTimers {
  private readonly logger = new Logger(SessionTimers.name);

  constructor(private readonly queues: JobQueues) {}

  async armMaxDuration(out: OutboxWriter, session: Pick<PracticeSession, 'id' | 'maxDurationAt'>): Promise<void> {
    if (!session.maxDurationAt) return;
    await out.job(Queues.SessionTimers, Jobs.MaxDuration, { sessionId: session.id }, {
      jobId: maxDurationJobId(session.id),
      runAt: session.maxDurationAt,
      ...TIMER_JOB,
    });
  }

  async armIdle(out: OutboxWriter, sessionId: string, idleAt: Date): Promise<void> {
    await out.job(Queues.SessionTimers, Jobs.IdleTimeout, { sessionId, armedAt: Date.now() }, {
      jobId: idleJobId(sessionId, idleAt),
      runAt: idleAt,
      ...TIMER_JOB,
    });
  }

  /**
   * Arms both deadlines of an open session directly (the reconciler's repair). Adding a job whose id is stored is a
   * no-op, so this is safe to repeat.
   */
  async ensureArmed(session: Pick<PracticeSession, 'id' | 'maxDurationAt' | 'idleAt'>): Promise<void> {
    if (session.maxDurationAt) {
      await this.queues.add(Queues.SessionTimers, Jobs.MaxDuration, { sessionId: session.id }, {
        jobId: maxDurationJobId(session.id),
        delayMs: Math.max(0, session.maxDurationAt.getTime() - Date.now()),
        ...TIMER_JOB,
      });
    }
    if (session.idleAt) await this.armIdleDirectly(session.id, session.idleAt);
  }

  /** Arms the idle timer of a stored deadline without the outbox; a no-op when that timer exists. */
  async armIdleDirectly(sessionId: string, idleAt: Date): Promise<void> {
    await this.queues.add(Queues.SessionTimers, Jobs.IdleTimeout, { sessionId, armedAt: Date.now() }, {
      jobId: idleJobId(sessionId, idleAt),
      delayMs: Math.max(0, idleAt.getTime() - Date.now()),
      ...TIMER_JOB,
    });
  }

  /**
   * Removes a replaced idle timer. Best effort: a stale timer that still fires finds the deadline moved and does
   * nothing.
   */
  async disarmIdle(sessionId: string, previousIdleAt: Date | null, idleAt: Date | null): Promise<void> {
    if (!previousIdleAt || previousIdleAt.getTime() === idleAt?.getTime()) return;
    await this.queues.remove(Queues.SessionTimers, idleJobId(sessionId, previousIdleAt)).catch((err: Error) =>
      this.logger.warn({ sessionId, err: err.message }, 'stale idle timer not removed'),
    );
  }

  /** Removes an ended session's timers; best effort for the same reason. */
  async disarm(session: Pick<PracticeSession, 'id' | 'idleAt'>): Promise<void> {
    try {
      await this.queues.remove(Queues.SessionTimers, maxDurationJobId(session.id));
      if (session.idleAt) await this.queues.remove(Queues.SessionTimers, idleJobId(session.id, session.idleAt));
    } catch (error) {
      this.logger.warn({ sessionId: session.id, err: (error as Error).message }, 'timers of an ended session not removed');
    }
  }
}
