import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ScenarioContent } from '@parley/contracts';
import { PRISMA, type PrismaClient } from '@parley/db';
import type { ActivityEvent } from './ports';

/** Moving the idle deadline more often than this buys nothing (the timeout is counted in seconds). */
const MIN_MOVE_MS = 1_000;
/** While someone speaks, the deadline is pushed on once it is this close. */
const SPEAKING_MARGIN_MS = 2_000;

interface Tracked {
  idleTimeoutMs: number;
  speaking: Set<ActivityEvent['speaker']>;
  /** The deadline this replica last stored (0: not yet); it was moved at `idleAt - idleTimeoutMs`. */
  idleAt: number;
  /** A speech end that came too soon after the last move: applied by the next tick. */
  pendingEnd: number | null;
}

const movedAt = (tracked: Tracked) => tracked.idleAt - tracked.idleTimeoutMs;

/**
 * Realtime idle time (SPEC §7.2): the session is idle once neither side has spoken for the scenario's idle timeout,
 * counted from the end of the last speech, and never while someone speaks. Speech ends several times a minute in
 * every live session, so moving the deadline is one UPDATE and no timer work: it only ever moves later, the timer
 * armed for an earlier deadline still exists, and when it fires it finds the deadline moved and re-arms itself for
 * it (TimerJobs), so a durable timer always runs at or before the deadline.
 */
@Injectable()
export class SessionActivity implements OnModuleDestroy {
  private readonly logger = new Logger(SessionActivity.name);
  private readonly sessions = new Map<string, Tracked>();
  private readonly ticker = setInterval(() => this.tick(), MIN_MOVE_MS).unref();

  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  onModuleDestroy(): void {
    clearInterval(this.ticker);
  }

  /** One side started or stopped speaking in a live session. */
  record(sessionId: string, scenario: ScenarioContent, { speaker, speaking, at }: ActivityEvent): void {
    let tracked = this.sessions.get(sessionId);
    if (!tracked) {
      tracked = { idleTimeoutMs: scenario.endCriteria.idleTimeoutSec * 1000, speaking: new Set(), idleAt: 0, pendingEnd: null };
      this.sessions.set(sessionId, tracked);
    }
    if (speaking) {
      tracked.speaking.add(speaker);
      if (tracked.idleAt - Date.now() < SPEAKING_MARGIN_MS) void this.move(sessionId, tracked, at);
    } else {
      tracked.speaking.delete(speaker);
      if (at - movedAt(tracked) >= MIN_MOVE_MS) void this.move(sessionId, tracked, at);
      else tracked.pendingEnd = at;
    }
  }

  forget(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  /**
   * Each second: speech longer than the idle timeout (a long AI opening with a short timeout) must not end the
   * session, and a speech end held back by {@link MIN_MOVE_MS} is applied.
   */
  private tick(): void {
    const now = Date.now();
    for (const [sessionId, tracked] of this.sessions) {
      if (tracked.speaking.size && tracked.idleAt - now < SPEAKING_MARGIN_MS) void this.move(sessionId, tracked, now);
      else if (tracked.pendingEnd !== null && now - movedAt(tracked) >= MIN_MOVE_MS) void this.move(sessionId, tracked, tracked.pendingEnd);
    }
  }

  private async move(sessionId: string, tracked: Tracked, at: number): Promise<void> {
    if (tracked.pendingEnd !== null && tracked.pendingEnd <= at) tracked.pendingEnd = null;
    const idleAt = at + tracked.idleTimeoutMs;
    if (idleAt <= tracked.idleAt) return;
    tracked.idleAt = idleAt;
    try {
      // Raw SQL: Prisma would compile this query on the event loop that handles every live session's frames.
      await this.prisma.$executeRaw`
        UPDATE practice_sessions
           SET last_activity_at = ${new Date(at)}::timestamptz, idle_at = ${new Date(idleAt)}::timestamptz, updated_at = now()
         WHERE id = ${sessionId}::uuid AND status = 'active' AND idle_at < ${new Date(idleAt)}::timestamptz`;
    } catch (error) {
      this.logger.warn({ sessionId, err: (error as Error).message }, 'idle deadline not moved');
    }
  }
}
