import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AppError,
  CreateSessionSchema,
  Events,
  MAX_CLOCK_DRIFT_MS,
  isUuid,
  ScenarioContentSchema,
  missingFields,
  Jobs,
  Queues,
  Signals,
  jobId,
  chatStreamId,
  parseOrThrow,
  terminationMessages,
  withoutScript,
  type Caller,
  type ScenarioContent,
  type SessionState,
  type SessionStatus,
  type SessionView,
  type TerminationReason,
} from '@parley/contracts';
import { PRISMA, type PracticeSession, type Prisma, type PrismaClient } from '@parley/db';
import { Outbox, type OutboxWriter } from '@parley/outbox';
import { Bus } from '@parley/bus';
import { Metrics } from '@parley/observability';
import { ObjectStorage, sessionPrefix } from '@parley/storage';
import type { Counter } from 'prom-client';
import { CapacityService } from '../capacity/capacity.service';
import { FreePracticeService } from '../catalog/free-practice.service';
import { ChatStreams } from '../chat/chat-streams';
import { SESSION_CONFIG, type SessionConfig } from '../config';
import { SessionTimers } from '../timers/session-timers.service';
import { assertTransition, isOpen } from './session-state-machine';
import { sessionView, turnView } from './session-views';

/** After a session ends, its orphaned audio is removed this much later. */
const ORPHAN_SWEEP_DELAY_MS = 5_000;


/**
 * Owns a practice session from creation to its end: validation, capacity, the status state machine (every change
 * published), timers, and the state a joining client receives.
 */
@Injectable()
export class SessionLifecycle {
  private readonly logger = new Logger(SessionLifecycle.name);

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SESSION_CONFIG) private readonly config: SessionConfig,
    private readonly outbox: Outbox,
    private readonly bus: Bus,
    private readonly chatStreams: ChatStreams,
    private readonly freePractice: FreePracticeService,
    private readonly capacity: CapacityService,
    private readonly timers: SessionTimers,
    private readonly storage: ObjectStorage,
    metrics: Metrics,
  ) {
    this.created = metrics.counter('sessions_created_total', 'Practice sessions created', ['mode']);
    this.ended = metrics.counter('sessions_ended_total', 'Practice sessions ended, by termination reason', ['reason']);
  }

  private readonly created: Counter;
  private readonly ended: Counter;

  async create(caller: Caller, body: unknown): Promise<SessionState> {
    const request = parseOrThrow(CreateSessionSchema, body ?? {}, 'session request');
    const now = Date.now();
    const clientStartedAt = new Date(request.clientSessionStartedAt);
    const driftMs = clientStartedAt.getTime() - now;
    if (Math.abs(driftMs) > MAX_CLOCK_DRIFT_MS) {
      throw new AppError(
        'clock_drift',
        `Your device clock is ${Math.round(driftMs / 100) / 10} s off the server's (at most ±${MAX_CLOCK_DRIFT_MS / 1000} s allowed); correct it and retry`,
        { issues: [{ path: 'clientSessionStartedAt', message: `drift ${driftMs} ms` }] },
      );
    }
    // ON CONFLICT DO NOTHING: concurrent first sessions of one user must not race on the user row.
    await this.prisma.user.createMany({ data: [{ id: caller.userId }], skipDuplicates: true });
    const scenarioId = request.scenarioId ?? (await this.freePractice.scenarioFor(caller, request));
    const { scenario, content } = await this.publishedScenario(caller, scenarioId);
    // Admission, the active row, its timers and its announcements commit together: a crash or a NATS outage can
    // delay them but never leave a session without its opening turn or its deadlines.
    let out!: OutboxWriter;
    const session = await this.capacity.admit(async (tx) => {
      out = this.outbox.writer(tx);
      const startedAt = new Date();
      const row = await tx.practiceSession.create({
        data: {
          userId: caller.userId,
          scenarioId: scenario.id,
          scenarioVersion: scenario.publishedVersion!,
          mode: request.mode,
          status: 'active',
          clientStartedAt,
          clockDriftMs: driftMs,
          startedAt,
          lastActivityAt: startedAt,
          maxDurationAt: new Date(startedAt.getTime() + content.endCriteria.maxDurationSec * 1000),
          rubricVersions: await rubricVersions(tx, content.skills),
          idleAt: new Date(startedAt.getTime() + content.endCriteria.idleTimeoutSec * 1000),
        },
      });
      await this.announceStatus(out, row, 'pending', 'active');
      await this.timers.armMaxDuration(out, row);
      await this.timers.armIdle(out, row.id, row.idleAt!);
      await out.event(
        Events.SessionCreated,
        { sessionId: row.id, userId: row.userId, scenarioId: row.scenarioId, mode: row.mode },
        `session-created-${row.id}`,
      );
      return row;
    });
    await this.outbox.relayCommitted(out);
    this.created.inc({ mode: session.mode });
    return { session: sessionView(session, content.title), turns: [] };
  }

  /** Everything a joining client or a replay needs: the session, every turn, and the scenario as practised. */
  async state(caller: Caller, sessionId: unknown): Promise<SessionState & { scenario: Omit<ScenarioContent, 'script'> }> {
    const session = await this.owned(caller, sessionId);
    const [turns, version] = await Promise.all([
      this.prisma.turn.findMany({ where: { sessionId: session.id }, orderBy: { sequence: 'asc' } }),
      this.scenarioVersion(session),
    ]);
    const views = await Promise.all(turns.map(async (t) => turnView(t, await this.audioUrl(t.audioKey))));
    return { session: sessionView(session, version.title), turns: views, scenario: withoutScript(version) };
  }

  async stop(caller: Caller, sessionId: unknown): Promise<SessionView> {
    const session = await this.owned(caller, sessionId);
    const ended = isOpen(session.status) ? await this.end(session.id, 'manual_stop') : session;
    return sessionView(ended, (await this.scenarioVersion(ended)).title);
  }

  /**
   * Ends an open session with `reason` (failed for provider errors). The final row and its announcements (both
   * status changes, then `SessionEnded`, which queues the one evaluation) commit together. Ending twice is a no-op,
   * and concurrent enders race on a conditional update that only one wins.
   */
  async end(sessionId: string, reason: TerminationReason): Promise<PracticeSession> {
    const session = await this.prisma.practiceSession.findUnique({ where: { id: sessionId } });
    if (!session) throw new AppError('not_found', 'No such session');
    if (!isOpen(session.status) && session.status !== 'ending') return session;
    const ended = await this.outbox.transaction((tx, out) => this.finish(tx, out, session, session.terminationReason ?? reason));
    if (!ended) return this.prisma.practiceSession.findUniqueOrThrow({ where: { id: sessionId } });
    // Work still running for the session (a reply being generated) stops now.
    this.bus.signal(Signals.SessionEnded(ended.id));
    if (ended.mode === 'text' && ended.nextSequence % 2 === 0) await this.closeReplyStream(ended);
    await this.timers.disarm(ended);
    this.ended.inc({ reason: ended.terminationReason ?? reason });
    this.logger.log({ sessionId: ended.id, reason: ended.terminationReason }, 'session ended');
    return ended;
  }

  /**
   * Audio no turn refers to: uploads a crash cut off between storing the object and committing its row, or AI audio
   * made for a reply the session ended before. Removed once the session is over (a durable job; failures retry).
   */
  async removeOrphanAudio(sessionId: string): Promise<number> {
    const [keys, turns] = await Promise.all([
      this.storage.listKeys(sessionPrefix(sessionId)),
      this.prisma.turn.findMany({ where: { sessionId }, select: { audioKey: true } }),
    ]);
    const referenced = new Set(turns.map((t) => t.audioKey));
    const orphans = keys.filter((key) => !referenced.has(key));
    for (const key of orphans) await this.storage.delete(key);
    if (orphans.length) this.logger.warn({ sessionId, orphans: orphans.length }, 'removed audio no turn refers to');
    return orphans.length;
  }


  /** A text session that ends while the AI is replying: the reply's stream ends with the reason. */
  private async closeReplyStream(session: PracticeSession): Promise<void> {
    const reason = session.terminationReason ?? 'manual_stop';
    const error =
      reason === 'provider_error'
        ? new AppError('provider_error', terminationMessages.provider_error)
        : new AppError('session_ended', `The practice ended before the reply was complete: ${terminationMessages[reason]}`);
    await this.chatStreams.close(chatStreamId(session.id, session.nextSequence), { type: 'error', error: error.toJSON() });
  }

  private async finish(
    tx: Prisma.TransactionClient,
    out: OutboxWriter,
    session: PracticeSession,
    reason: TerminationReason,
  ): Promise<PracticeSession | null> {
    const final: SessionStatus = reason === 'provider_error' ? 'failed' : 'ended';
    if (session.status !== 'ending') assertTransition(session.status, 'ending');
    assertTransition('ending', final);
    const endedAt = session.endedAt ?? new Date();
    const claimed = await tx.practiceSession.updateMany({
      where: { id: session.id, status: session.status },
      data: { status: final, terminationReason: reason, endedAt },
    });
    if (claimed.count === 0) return null;
    if (session.status !== 'ending') await this.announceStatus(out, session, session.status, 'ending');
    await this.announceStatus(out, session, 'ending', final);
    // Durable, and late enough for turns being stored right now to commit their rows first.
    await out.job(Queues.SessionTimers, Jobs.SweepAudio, { sessionId: session.id }, {
      jobId: jobId('sweep', session.id),
      runAt: new Date(endedAt.getTime() + ORPHAN_SWEEP_DELAY_MS),
      attempts: 5,
      backoffMs: 1_000,
    });
    await out.event(
      Events.SessionEnded,
      { sessionId: session.id, userId: session.userId, reason, status: final, endedAt: endedAt.toISOString() },
      `session-ended-${session.id}`,
    );
    return { ...session, status: final, terminationReason: reason, endedAt };
  }

  private async announceStatus(
    out: OutboxWriter,
    session: Pick<PracticeSession, 'id' | 'userId'>,
    from: SessionStatus,
    to: SessionStatus,
  ): Promise<void> {
    await out.event(
      Events.SessionStatusChanged,
      { sessionId: session.id, userId: session.userId, from, to, at: new Date().toISOString() },
      `session-status-${session.id}-${to}`,
    );
  }

  /** The caller's session; another user's session is indistinguishable from a missing one (SPEC §10). */
  async owned(caller: Caller, sessionId: unknown): Promise<PracticeSession> {
    if (!isUuid(sessionId)) throw new AppError('not_found', 'No such session');
    const session = await this.prisma.practiceSession.findUnique({ where: { id: sessionId } });
    if (!session || session.userId !== caller.userId) throw new AppError('not_found', 'No such session');
    return session;
  }

  async scenarioVersion(session: Pick<PracticeSession, 'scenarioId' | 'scenarioVersion'>): Promise<ScenarioContent> {
    const version = await this.prisma.scenarioVersion.findUniqueOrThrow({
      where: { scenarioId_version: { scenarioId: session.scenarioId, version: session.scenarioVersion } },
    });
    return version.content as unknown as ScenarioContent;
  }

  async audioUrl(key: string | null): Promise<string | null> {
    return key ? this.storage.presignGet(key, this.config.AUDIO_URL_TTL_SEC) : null;
  }

  private async publishedScenario(caller: Caller, scenarioId: string) {
    const scenario = await this.prisma.scenario.findUnique({ where: { id: scenarioId } });
    // Another trainee's free-practice scenario is as invisible as a missing one.
    if (!scenario || (scenario.freePractice && scenario.authorId !== caller.userId)) throw new AppError('not_found', 'No such scenario');
    if (scenario.publishedVersion === null) {
      throw new AppError('scenario_incomplete', 'This scenario is not published yet', { missing: ['publishedVersion'] });
    }
    const version = await this.prisma.scenarioVersion.findUniqueOrThrow({
      where: { scenarioId_version: { scenarioId, version: scenario.publishedVersion } },
    });
    const missing = missingFields(ScenarioContentSchema, version.content);
    if (missing.length) {
      throw new AppError('scenario_incomplete', `This scenario cannot be practised: ${missing.join(', ')} missing`, { missing });
    }
    return { scenario, content: parseOrThrow(ScenarioContentSchema, version.content, 'scenario') };
  }
}

/** The rubric version of each skill as the session starts: its evaluation is judged against these. */
async function rubricVersions(tx: Prisma.TransactionClient, skillIds: string[]): Promise<Record<string, number>> {
  const skills = await tx.skill.findMany({ where: { id: { in: skillIds } }, select: { id: true, rubricVersion: true } });
  return Object.fromEntries(skills.map((s) => [s.id, s.rubricVersion]));
}
