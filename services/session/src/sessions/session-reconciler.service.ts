import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PRISMA, type PracticeSession, type PrismaClient } from '@parley/db';
import { Periodic } from '@parley/observability';
import { SESSION_CONFIG, type SessionConfig } from '../config';
import { SessionTimers } from '../timers/session-timers.service';
import { SessionLifecycle } from './session-lifecycle.service';

/** A deadline this far in the past means its timer never fired (lost with Redis, or never armed). */
const OVERDUE_MS = 5_000;
const BATCH = 500;

/**
 * Repairs what a crash or an outage can leave behind, at boot and then periodically (every replica; every repair is
 * idempotent): sessions half-way through ending are finished, sessions left `pending` are failed, sessions past a
 * deadline are ended with its reason, and every open session has its timers armed.
 */
@Injectable()
export class SessionReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionReconciler.name);
  private readonly periodic: Periodic;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SESSION_CONFIG) private readonly config: SessionConfig,
    private readonly lifecycle: SessionLifecycle,
    private readonly timers: SessionTimers,
  ) {
    this.periodic = new Periodic('session reconciliation', config.RECONCILE_INTERVAL_MS, () => this.reconcile(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.periodic.start({ immediately: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }

  async reconcile(): Promise<void> {
    const now = Date.now();
    const unfinished = await this.prisma.practiceSession.findMany({
      where: { status: { in: ['pending', 'active', 'ending'] } },
      orderBy: { createdAt: 'asc' },
      take: BATCH,
    });
    for (const session of unfinished) {
      try {
        await this.repair(session, now);
      } catch (error) {
        this.logger.warn({ sessionId: session.id, err: (error as Error).message }, 'session not repaired; retried next round');
      }
    }
  }

  private async repair(session: PracticeSession, now: number): Promise<void> {
    if (session.status === 'ending') {
      this.logger.warn({ sessionId: session.id }, 'finishing a session left half-ended');
      await this.lifecycle.end(session.id, session.terminationReason ?? 'manual_stop');
      return;
    }
    if (session.status === 'pending') {
      // Sessions are created active; a pending row is a creation that crashed before it was admitted.
      if (now - session.createdAt.getTime() < this.config.PENDING_WAIT_MS + OVERDUE_MS) return;
      this.logger.warn({ sessionId: session.id }, 'failing a session whose creation never finished');
      await this.lifecycle.end(session.id, 'provider_error');
      return;
    }
    if (session.maxDurationAt && session.maxDurationAt.getTime() < now - OVERDUE_MS) {
      await this.lifecycle.end(session.id, 'max_duration');
      return;
    }
    if (session.idleAt && session.idleAt.getTime() < now - OVERDUE_MS) {
      await this.lifecycle.end(session.id, 'idle_timeout');
      return;
    }
    await this.timers.ensureArmed(session);
  }
}
