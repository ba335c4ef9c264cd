import { Injectable, Logger } from '@nestjs/common';
import type { ScenarioContent } from '@parley/contracts';
import { Outbox } from '@parley/outbox';
import { SessionTimers } from '../timers/session-timers.service';

/** Re-arming the idle deadline more often than this buys nothing (the timeout is counted in seconds). */
const MIN_REARM_MS = 1_000;

/**
 * Realtime idle time (SPEC §7.2): the idle deadline moves to the end of the last speech of either side plus the
 * scenario's idle timeout, with its durable timer armed in the same transaction.
 */
@Injectable()
export class SessionActivity {
  private readonly logger = new Logger(SessionActivity.name);
  private readonly lastArmed = new Map<string, number>();

  constructor(
    private readonly outbox: Outbox,
    private readonly timers: SessionTimers,
  ) {}

  async spoke(sessionId: string, scenario: ScenarioContent, at: number): Promise<void> {
    if (at - (this.lastArmed.get(sessionId) ?? 0) < MIN_REARM_MS) return;
    this.lastArmed.set(sessionId, at);
    const idleAt = new Date(at + scenario.endCriteria.idleTimeoutSec * 1000);
    try {
      const previous = await this.outbox.transaction(async (tx, out) => {
        const session = await tx.practiceSession.findUnique({ where: { id: sessionId }, select: { idleAt: true, status: true } });
        if (!session || session.status !== 'active') return null;
        await tx.practiceSession.update({ where: { id: sessionId }, data: { lastActivityAt: new Date(at), idleAt } });
        await this.timers.armIdle(out, sessionId, idleAt);
        return session.idleAt;
      });
      if (previous !== null) await this.timers.disarmIdle(sessionId, previous, idleAt);
    } catch (error) {
      this.logger.warn({ sessionId, err: (error as Error).message }, 'idle deadline not moved');
    }
  }

  forget(sessionId: string): void {
    this.lastArmed.delete(sessionId);
  }
}
