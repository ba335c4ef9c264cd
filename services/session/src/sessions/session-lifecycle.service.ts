import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  AppError,
  CreateSessionSchema,
  Events,
  MAX_CLOCK_DRIFT_MS,
  ScenarioContentSchema,
  missingFields,
  parseOrThrow,
  type Caller,
  type ScenarioContent,
  type SessionState,
  type SessionStatus,
  type SessionView,
  type TerminationReason,
} from '@parley/contracts';
import { Bus } from '@parley/bus';
import { PRISMA, type PracticeSession, type PrismaClient } from '@parley/db';
import { Metrics } from '@parley/observability';
import { ObjectStorage } from '@parley/storage';
import type { Counter } from 'prom-client';
import { CapacityService } from '../capacity/capacity.service';
import { SESSION_CONFIG, type SessionConfig } from '../config';
import { SessionTimers } from '../timers/session-timers.service';
import { assertTransition, isOpen } from './session-state-machine';
import { sessionView, turnView } from './session-views';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Owns a practice session from creation to its end: validation, capacity, the status state machine (every change
 * published), timers, and the state a joining client receives.
 */
@Injectable()
export class SessionLifecycle implements OnApplicationBootstrap {
  private readonly logger = new Logger(SessionLifecycle.name);

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SESSION_CONFIG) private readonly config: SessionConfig,
    private readonly bus: Bus,
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

  /** A replica that died between "ending" and "ended" left sessions half-closed; finish them. */
  async onApplicationBootstrap(): Promise<void> {
    const stuck = await this.prisma.practiceSession.findMany({ where: { status: 'ending' }, take: 1000 });
    for (const session of stuck) await this.finishEnding(session);
  }

  async create(caller: Caller, body: unknown): Promise<SessionState> {
    const request = parseOrThrow(CreateSessionSchema, body ?? {}, 'session request');
    if (request.mode !== 'turn') {
      throw new AppError('validation_failed', `Mode "${request.mode}" is not available yet; use "turn"`, {
        issues: [{ path: 'mode', message: 'only "turn" is available' }],
      });
    }
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
    const { scenario, content } = await this.publishedScenario(request.scenarioId);
    // ON CONFLICT DO NOTHING: concurrent first sessions of one user must not race on the user row.
    await this.prisma.user.createMany({ data: [{ id: caller.userId }], skipDuplicates: true });
    const session = await this.capacity.admit((tx) =>
      tx.practiceSession.create({
        data: {
          userId: caller.userId,
          scenarioId: scenario.id,
          scenarioVersion: scenario.publishedVersion!,
          mode: request.mode,
          status: 'pending',
          offlineRoleplayer: !this.config.LLM_BASE_URL,
          clientStartedAt,
          clockDriftMs: driftMs,
        },
      }),
    );

    const startedAt = new Date();
    const active = await this.transition(session, 'active', {
      startedAt,
      lastActivityAt: startedAt,
      maxDurationAt: new Date(startedAt.getTime() + content.endCriteria.maxDurationSec * 1000),
      idleAt: new Date(startedAt.getTime() + content.endCriteria.idleTimeoutSec * 1000),
    });
    try {
      await this.timers.armMaxDuration(active);
      await this.timers.armIdle(active.id, active.idleAt!, null);
      await this.bus.publish(
        Events.SessionCreated,
        { sessionId: active.id, userId: active.userId, scenarioId: active.scenarioId, mode: active.mode },
        { messageId: `session-created-${active.id}` },
      );
    } catch (error) {
      // Without timers or the opening turn the session could never proceed: fail it visibly instead.
      this.logger.error({ err: error, sessionId: active.id }, 'session start failed');
      await this.end(active.id, 'provider_error');
      throw new AppError('unavailable', 'The practice could not be started; try again shortly');
    }
    this.created.inc({ mode: active.mode });
    return { session: sessionView(active, content.title), turns: [] };
  }

  /** Everything a joining client or a replay needs: the session, every turn, and the scenario as practised. */
  async state(caller: Caller, sessionId: unknown): Promise<SessionState & { scenario: ScenarioContent }> {
    const session = await this.owned(caller, sessionId);
    const [turns, version] = await Promise.all([
      this.prisma.turn.findMany({ where: { sessionId: session.id }, orderBy: { sequence: 'asc' } }),
      this.scenarioVersion(session),
    ]);
    const views = await Promise.all(turns.map(async (t) => turnView(t, await this.audioUrl(t.audioKey))));
    return { session: sessionView(session, version.title), turns: views, scenario: version };
  }

  async stop(caller: Caller, sessionId: unknown): Promise<SessionView> {
    const session = await this.owned(caller, sessionId);
    const ended = isOpen(session.status) ? await this.end(session.id, 'manual_stop') : session;
    return sessionView(ended, (await this.scenarioVersion(ended)).title);
  }

  /**
   * Ends an open session with `reason`: open → ending → ended (failed for provider errors), each change published,
   * then `SessionEnded` (which queues the one evaluation) and the timers disarmed. Ending twice is a no-op, and
   * concurrent enders race on a conditional update that only one wins.
   */
  async end(sessionId: string, reason: TerminationReason): Promise<PracticeSession> {
    const session = await this.prisma.practiceSession.findUnique({ where: { id: sessionId } });
    if (!session) throw new AppError('not_found', 'No such session');
    if (!isOpen(session.status)) return session;
    assertTransition(session.status, 'ending');
    const claimed = await this.prisma.practiceSession.updateMany({
      where: { id: sessionId, status: session.status },
      data: { status: 'ending', terminationReason: reason },
    });
    if (claimed.count === 0) return this.prisma.practiceSession.findUniqueOrThrow({ where: { id: sessionId } });
    await this.publishStatus(session, session.status, 'ending');
    return this.finishEnding({ ...session, status: 'ending', terminationReason: reason });
  }

  private async finishEnding(session: PracticeSession): Promise<PracticeSession> {
    const reason = session.terminationReason ?? 'manual_stop';
    const ended = await this.transition(session, reason === 'provider_error' ? 'failed' : 'ended', {
      endedAt: session.endedAt ?? new Date(),
    });
    await this.timers.disarm(ended);
    await this.bus.publish(
      Events.SessionEnded,
      { sessionId: ended.id, userId: ended.userId, reason, status: ended.status, endedAt: ended.endedAt!.toISOString() },
      { messageId: `session-ended-${ended.id}` },
    );
    this.ended.inc({ reason });
    this.logger.log({ sessionId: ended.id, reason }, 'session ended');
    return ended;
  }

  /** Moves `session` to `to` if nobody changed its status meanwhile, and publishes the change. */
  async transition(session: PracticeSession, to: SessionStatus, data: Partial<PracticeSession> = {}): Promise<PracticeSession> {
    assertTransition(session.status, to);
    const result = await this.prisma.practiceSession.updateMany({
      where: { id: session.id, status: session.status },
      data: { ...data, status: to },
    });
    if (result.count === 0) throw new AppError('conflict', 'The session changed meanwhile');
    await this.publishStatus(session, session.status, to);
    return this.prisma.practiceSession.findUniqueOrThrow({ where: { id: session.id } });
  }

  private async publishStatus(session: PracticeSession, from: SessionStatus, to: SessionStatus): Promise<void> {
    await this.bus.publish(
      Events.SessionStatusChanged,
      { sessionId: session.id, userId: session.userId, from, to, at: new Date().toISOString() },
      { messageId: `session-status-${session.id}-${to}` },
    );
  }

  /** The caller's session; another user's session is indistinguishable from a missing one (SPEC §10). */
  async owned(caller: Caller, sessionId: unknown): Promise<PracticeSession> {
    if (typeof sessionId !== 'string' || !UUID.test(sessionId)) throw new AppError('not_found', 'No such session');
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

  private async publishedScenario(scenarioId: string) {
    const scenario = await this.prisma.scenario.findUnique({ where: { id: scenarioId } });
    if (!scenario) throw new AppError('not_found', 'No such scenario');
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
