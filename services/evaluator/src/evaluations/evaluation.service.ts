import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AppError,
  isUuid,
  Events,
  Jobs,
  Queues,
  jobId,
  type Caller,
  type EvaluationView,
  type EventPayload,
  type ScenarioContent,
} from '@parley/contracts';
import { Outbox, type OutboxWriter } from '@parley/outbox';
import { PRISMA, type Evaluation, type PrismaClient } from '@parley/db';
import { Metrics } from '@parley/observability';
import { JobQueues, type JobAttempt } from '@parley/queue';
import type { Counter, Histogram } from 'prom-client';
import { speechAnalytics } from '../analytics/speech-analytics';
import { EVALUATOR_CONFIG, type EvaluatorConfig } from '../config';
import { InvalidJudgementError } from '../scoring/llm-judge';
import { evaluationDetail, evaluationRecord } from '../scoring/evaluation-record';
import { JUDGE, judgeSession, type Judge } from '../scoring/judgement';

const TRANSCRIPT_POLL_MS = 250;

/** The first evaluation of a session; requeues get their own ids because finished ids stay stored for dedupe. */
const firstJobId = (sessionId: string) => jobId('evaluate', sessionId);
const requeueJobId = (row: Pick<Evaluation, 'sessionId' | 'queuedAt'>) => jobId('evaluate', row.sessionId, row.queuedAt.getTime());

/**
 * Exactly one evaluation per session (SPEC §5): queued when the session ends, scored by a BullMQ job that waits
 * (boundedly) for pending transcripts, computes the speech analytics and asks the judge, then publishes the result.
 * Every write is conditional on the evaluation still existing, so a deleted session gets nothing written back.
 */
@Injectable()
export class EvaluationService {
  private readonly logger = new Logger(EvaluationService.name);
  private readonly doneSeconds: Histogram;
  private readonly outcomes: Counter;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(EVALUATOR_CONFIG) private readonly config: EvaluatorConfig,
    @Inject(JUDGE) private readonly judge: Judge,
    private readonly outbox: Outbox,
    private readonly queues: JobQueues,
    metrics: Metrics,
  ) {
    this.doneSeconds = metrics.histogram('evaluation_done_seconds', 'Session end → evaluation finished', ['status'], [1, 2, 5, 10, 20, 30, 60, 120]);
    this.outcomes = metrics.counter('evaluations_total', 'Evaluations finished, by status', ['status', 'judge']);
  }

  /** SessionEnded: creates the evaluation and its job once, together; redeliveries find both already there. */
  async sessionEnded(event: EventPayload<typeof Events.SessionEnded>): Promise<void> {
    const session = await this.prisma.practiceSession.findUnique({ where: { id: event.sessionId }, select: { id: true } });
    if (!session) return;
    await this.outbox.transaction(async (tx, out) => {
      const queuedAt = new Date();
      // ON CONFLICT DO NOTHING: a redelivered event racing the first one cannot make a second row.
      const created = await tx.evaluation.createMany({
        data: [{ sessionId: event.sessionId, userId: event.userId, status: 'queued', queuedAt }],
        skipDuplicates: true,
      });
      if (created.count) await this.enqueue(out, { sessionId: event.sessionId, queuedAt }, firstJobId(event.sessionId));
    });
  }

  /** SessionDeleted: a job still waiting is removed; a running one finds nothing to write. */
  async sessionDeleted(event: EventPayload<typeof Events.SessionDeleted>): Promise<void> {
    await this.queues.remove(Queues.Evaluation, firstJobId(event.sessionId));
  }

  /** `queuedAt` names the queuing the job was added for (absent in jobs added before it was recorded). */
  async run(sessionId: string, queuedAt: number | undefined, attempt: JobAttempt): Promise<void> {
    const evaluation = await this.prisma.evaluation.findUnique({ where: { sessionId } });
    if (!evaluation || evaluation.status === 'succeeded' || evaluation.status === 'failed') return;
    const ofThisQueuing = queuedAt === undefined ? {} : { queuedAt: new Date(queuedAt) };
    const started = await this.prisma.evaluation.updateMany({
      where: { sessionId, status: { in: ['queued', 'running'] }, ...ofThisQueuing },
      data: { status: 'running', attempts: { increment: 1 }, startedAt: new Date() },
    });
    if (started.count === 0) {
      this.logger.warn({ sessionId, queuedAt }, 'evaluation job of an earlier queuing ignored');
      return;
    }
    try {
      const judgement = await this.score(sessionId);
      if (!judgement) return; // deleted meanwhile
      await this.finish(evaluation, { status: 'succeeded', ...judgement });
    } catch (error) {
      const invalid = error instanceof InvalidJudgementError;
      if (!invalid && !attempt.last) throw error; // infrastructure: BullMQ retries with backoff
      this.logger.warn({ sessionId, err: (error as Error).message }, 'evaluation failed');
      await this.finish(evaluation, { status: 'failed', failureReason: (error as Error).message.slice(0, 500) });
    }
  }

  private async score(sessionId: string) {
    const missingTurns = await this.waitForTranscripts(sessionId);
    const session = await this.prisma.practiceSession.findUnique({
      where: { id: sessionId },
      include: { turns: { orderBy: { sequence: 'asc' } }, scenarioVersionRow: true },
    });
    if (!session) return null;
    const scenario = session.scenarioVersionRow.content as unknown as ScenarioContent;
    const skills = await this.rubricsAtStart(scenario.skills, session.rubricVersions as Record<string, number> | null);
    const analytics = speechAnalytics(session.turns, { mode: session.mode, language: scenario.language });
    const judgement = await judgeSession(this.judge, {
      scenario,
      skills: skills.map((s) => ({ id: s.id, name: s.name, description: s.description, rubric: s.rubric as Record<string, string> })),
      transcript: session.turns.filter((t) => t.text).map((t) => ({ sequence: t.sequence, speaker: t.speaker, text: t.text! })),
      analytics,
      terminationReason: session.terminationReason,
      mode: session.mode,
    });
    return {
      ...evaluationRecord(judgement, { scenario, skills, analytics }),
      missingTurns,
      model: this.judge.model,
      heuristic: this.judge.heuristic,
      rubricVersion: Math.max(1, ...skills.map((s) => s.rubricVersion)),
      endedAt: session.endedAt,
    };
  }

  /**
   * The skills as they were when the session started: their rubric version then (recorded on the session) and that
   * version's text; a skill changed since is judged by the rubric the trainee practised against, and listed as changed.
   */
  private async rubricsAtStart(skillIds: string[], frozen: Record<string, number> | null) {
    const current = await this.prisma.skill.findMany({ where: { id: { in: skillIds } } });
    return Promise.all(
      current.map(async (skill) => {
        const version = frozen?.[skill.id];
        if (version === undefined || version === skill.rubricVersion) return { ...skill, changedSinceStart: false };
        const then = await this.prisma.skillRubric.findUnique({ where: { skillId_version: { skillId: skill.id, version } } });
        return then
          ? { ...skill, name: then.name, description: then.description, rubric: then.rubric, rubricVersion: version, changedSinceStart: true }
          : { ...skill, changedSinceStart: true };
      }),
    );
  }

  /** Waits until no trainee turn is still being transcribed, or the wait runs out; returns those still missing. */
  private async waitForTranscripts(sessionId: string): Promise<number[]> {
    const deadline = Date.now() + this.config.EVAL_TRANSCRIPT_WAIT_MS;
    for (;;) {
      const pending = await this.prisma.turn.findMany({
        where: { sessionId, speaker: 'trainee', transcriptionStatus: 'pending' },
        select: { sequence: true },
      });
      if (pending.length === 0) return [];
      if (Date.now() >= deadline) return pending.map((t) => t.sequence);
      await new Promise((done) => setTimeout(done, TRANSCRIPT_POLL_MS));
    }
  }

  private async finish(
    evaluation: Evaluation,
    result:
      | ({ status: 'succeeded' } & NonNullable<Awaited<ReturnType<EvaluationService['score']>>>)
      | { status: 'failed'; failureReason: string },
  ): Promise<void> {
    const finishedAt = new Date();
    const data =
      result.status === 'succeeded'
        ? {
            status: result.status,
            ratings: result.ratings as object[],
            summary: result.summary,
            strengths: result.strengths,
            improvements: result.improvements,
            objectivesAchieved: result.objectivesAchieved,
            objectivesMissed: result.objectivesMissed,
            analytics: result.analytics as object,
            missingTurns: result.missingTurns,
            model: result.model,
            heuristic: result.heuristic,
            rubricVersion: result.rubricVersion,
            failureReason: null,
            finishedAt,
          }
        : { status: result.status, failureReason: result.failureReason, finishedAt };
    const current = await this.outbox.transaction(async (tx, out) => {
      const written = await tx.evaluation.updateMany({ where: { sessionId: evaluation.sessionId }, data });
      if (written.count === 0) return null; // deleted meanwhile
      const row = await tx.evaluation.findUniqueOrThrow({ where: { sessionId: evaluation.sessionId } });
      await out.event(
        Events.EvaluationCompleted,
        { sessionId: row.sessionId, userId: row.userId, evaluationId: row.id, status: result.status },
        `evaluation-completed-${row.id}-${row.attempts}`,
      );
      return row;
    });
    if (!current) return;
    const session = await this.prisma.practiceSession.findUnique({ where: { id: evaluation.sessionId }, select: { endedAt: true } });
    if (session?.endedAt) this.doneSeconds.observe({ status: result.status }, (finishedAt.getTime() - session.endedAt.getTime()) / 1000);
    this.outcomes.inc({ status: result.status, judge: this.judge.heuristic ? 'heuristic' : 'llm' });
  }

  async get(caller: Caller, sessionId: unknown): Promise<EvaluationView> {
    return view(await this.owned(caller, sessionId));
  }

  /** Requeues a finished or failed evaluation; refused while one is queued or running. */
  async requeue(caller: Caller, sessionId: unknown): Promise<EvaluationView> {
    const evaluation = await this.owned(caller, sessionId);
    // The reset and its job commit together: a requeue can never leave a row queued with no job behind it.
    const queued = await this.outbox.transaction(async (tx, out) => {
      const reset = await tx.evaluation.updateMany({
        where: { sessionId: evaluation.sessionId, status: { in: ['succeeded', 'failed'] } },
        data: {
          status: 'queued',
          queuedAt: new Date(),
          startedAt: null,
          finishedAt: null,
          failureReason: null,
          ratings: [],
          summary: null,
          strengths: [],
          improvements: [],
          objectivesAchieved: [],
          objectivesMissed: [],
          missingTurns: [],
        },
      });
      if (reset.count === 0) throw new AppError('evaluation_running', 'An evaluation of this session is already queued or running');
      const row = await tx.evaluation.findUniqueOrThrow({ where: { sessionId: evaluation.sessionId } });
      await this.enqueue(out, { sessionId: row.sessionId, queuedAt: row.queuedAt }, requeueJobId(row));
      return row;
    });
    return view(queued);
  }

  private async enqueue(out: OutboxWriter, queuing: { sessionId: string; queuedAt: Date }, id: string): Promise<void> {
    await out.job(Queues.Evaluation, Jobs.EvaluateSession, { sessionId: queuing.sessionId, queuedAt: queuing.queuedAt.getTime() }, {
      jobId: id,
      attempts: this.config.EVAL_JOB_ATTEMPTS,
      backoffMs: 2_000,
    });
  }

  /**
   * An evaluation whose job ended outside our code (it stalled too often, or failed on its last attempt before our
   * handler could record it) would stay queued or running forever and refuse every requeue: mark it failed, visibly,
   * so it can be requeued. Runs periodically; jobs still waiting, running or retrying are left alone.
   */
  async settleAbandoned(olderThanMs: number): Promise<number> {
    const stale = await this.prisma.evaluation.findMany({
      where: { status: { in: ['queued', 'running'] }, updatedAt: { lt: new Date(Date.now() - olderThanMs) } },
      take: 200,
    });
    let settled = 0;
    // Jobs still waiting in the outbox may belong to these evaluations: counted once per round, not per row.
    const outboxPending = stale.length ? await this.outbox.pending() : 0;
    for (const evaluation of stale) {
      const state = await this.jobState([requeueJobId(evaluation), firstJobId(evaluation.sessionId)]);
      if (state === 'alive') continue;
      if (state === 'missing' && outboxPending > 0) continue; // its job may still be on its way
      const written = await this.prisma.evaluation.updateMany({
        where: { id: evaluation.id, status: evaluation.status, updatedAt: evaluation.updatedAt },
        data: { status: 'failed', failureReason: 'The evaluation stopped unexpectedly; requeue it to try again', finishedAt: new Date() },
      });
      if (written.count) {
        settled++;
        this.logger.warn({ sessionId: evaluation.sessionId, jobState: state }, 'abandoned evaluation marked failed');
      }
    }
    return settled;
  }

  /** `alive` while one of the jobs waits, runs or retries; `dead` when the newest one is finished or failed for good. */
  private async jobState(ids: string[]): Promise<'alive' | 'dead' | 'missing'> {
    for (const id of ids) {
      const job = await this.queues.queue(Queues.Evaluation).getJob(id);
      if (!job) continue;
      const state = await job.getState();
      return state === 'failed' || state === 'completed' ? 'dead' : 'alive';
    }
    return 'missing';
  }

  /** The caller's evaluation; another user's is indistinguishable from none (SPEC §10). */
  private async owned(caller: Caller, sessionId: unknown): Promise<Evaluation> {
    if (!isUuid(sessionId)) throw new AppError('not_found', 'No such evaluation');
    const evaluation = await this.prisma.evaluation.findUnique({ where: { sessionId } });
    if (!evaluation || evaluation.userId !== caller.userId) throw new AppError('not_found', 'No such evaluation');
    return evaluation;
  }
}

function view(row: Evaluation): EvaluationView {
  return {
    id: row.id,
    sessionId: row.sessionId,
    status: row.status,
    attempts: row.attempts,
    ...evaluationDetail(row),
    summary: row.summary,
    strengths: row.strengths,
    improvements: row.improvements,
    missingTurns: row.missingTurns,
    model: row.model,
    rubricVersion: row.rubricVersion,
    heuristic: row.heuristic,
    failureReason: row.failureReason,
    queuedAt: row.queuedAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}
