import { Inject, Injectable } from '@nestjs/common';
import {
  overallScore,
  AppError,
  Events,
  HISTORY_PAGE_SIZE,
  HistoryQuerySchema,
  parseOrThrow,
  type Caller,
  type HistoryItem,
  type Page,
  type SessionState,
} from '@parley/contracts';
import { Outbox } from '@parley/outbox';
import { PRISMA, type Prisma, type PrismaClient } from '@parley/db';
import { Metrics } from '@parley/observability';
import { ObjectStorage, sessionPrefix } from '@parley/storage';
import type { Histogram } from 'prom-client';
import { SessionLifecycle } from '../sessions/session-lifecycle.service';
import { isOpen } from '../sessions/session-state-machine';

type Rating = { rating: number };

/** A trainee's past sessions (SPEC §5): history list, deletion and "practice again". */
@Injectable()
export class HistoryService {
  private readonly stepCount: Histogram;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly outbox: Outbox,
    private readonly storage: ObjectStorage,
    private readonly lifecycle: SessionLifecycle,
    metrics: Metrics,
  ) {
    this.stepCount = metrics.histogram('history_step_count', 'Steps a trainee took to reach the session history', [], [0, 1, 2, 3, 5, 8, 13]);
  }

  async list(caller: Caller, rawQuery: unknown): Promise<Page<HistoryItem>> {
    const query = parseOrThrow(HistoryQuerySchema, rawQuery ?? {}, 'history query');
    this.stepCount.observe(query.historyStepCount);
    const search = query.search?.trim();
    const where: Prisma.PracticeSessionWhereInput = {
      userId: caller.userId,
      ...(query.scenarioId ? { scenarioId: query.scenarioId } : {}),
      ...(query.mode ? { mode: query.mode } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.from || query.to
        ? { startedAt: { ...(query.from ? { gte: new Date(query.from) } : {}), ...(query.to ? { lte: new Date(query.to) } : {}) } }
        : {}),
      ...(search
        ? {
            scenario: {
              OR: [
                { title: { contains: search, mode: 'insensitive' } },
                { objectivesText: { contains: search, mode: 'insensitive' } },
              ],
            },
          }
        : {}),
    };
    const direction = query.sort === 'startedAtAsc' ? 'asc' : 'desc';
    const [total, rows] = await this.prisma.$transaction([
      this.prisma.practiceSession.count({ where }),
      this.prisma.practiceSession.findMany({
        where,
        orderBy: [{ startedAt: direction }, { id: direction }],
        skip: (query.page - 1) * HISTORY_PAGE_SIZE,
        take: HISTORY_PAGE_SIZE,
        include: { scenario: { select: { title: true } }, evaluation: { select: { status: true, ratings: true } } },
      }),
    ]);
    const items = rows.map((row): HistoryItem => {
      const ratings = row.evaluation?.status === 'succeeded' ? ((row.evaluation.ratings as Rating[] | null) ?? []) : [];
      return {
        id: row.id,
        scenarioId: row.scenarioId,
        scenarioTitle: row.scenario.title ?? row.scenarioId,
        mode: row.mode,
        status: row.status,
        terminationReason: row.terminationReason,
        startedAt: row.startedAt?.toISOString() ?? null,
        endedAt: row.endedAt?.toISOString() ?? null,
        durationMs: row.startedAt && row.endedAt ? row.endedAt.getTime() - row.startedAt.getTime() : null,
        turnCount: row.nextSequence,
        evaluationStatus: row.evaluation?.status ?? null,
        overallScore: overallScore(ratings),
      };
    });
    return { items, total, page: query.page, pageSize: HISTORY_PAGE_SIZE };
  }

  /**
   * Deletes the session, its turns, its evaluation and its audio. An active session is stopped first. Audio goes
   * before the rows: if anything fails midway the session is still listed and the delete can simply be repeated.
   */
  async delete(caller: Caller, sessionId: unknown): Promise<null> {
    const session = await this.lifecycle.owned(caller, sessionId);
    if (isOpen(session.status)) await this.lifecycle.end(session.id, 'manual_stop');
    await this.storage.deletePrefix(sessionPrefix(session.id));
    await this.outbox.transaction(async (tx, out) => {
      const deleted = await tx.practiceSession.deleteMany({ where: { id: session.id, userId: caller.userId } });
      if (deleted.count === 0) return;
      await out.event(
        Events.SessionDeleted,
        { sessionId: session.id, userId: session.userId, deletedAt: new Date().toISOString() },
        `session-deleted-${session.id}`,
      );
    });
    return null;
  }

  /** A new session on the same scenario (its current published version); the old one is untouched. */
  async practiceAgain(caller: Caller, sessionId: unknown, body: unknown): Promise<SessionState> {
    const previous = await this.lifecycle.owned(caller, sessionId);
    const clientSessionStartedAt =
      (body as { clientSessionStartedAt?: unknown } | null)?.clientSessionStartedAt ?? new Date().toISOString();
    if (typeof clientSessionStartedAt !== 'string') {
      throw new AppError('validation_failed', 'clientSessionStartedAt must be an ISO date-time');
    }
    return this.lifecycle.create(caller, { scenarioId: previous.scenarioId, mode: previous.mode, clientSessionStartedAt });
  }
}
