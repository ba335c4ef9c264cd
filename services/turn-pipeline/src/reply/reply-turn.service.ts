import { Inject, Injectable, Logger } from '@nestjs/common';
import { Jobs, Queues, jobId, type JobPayload } from '@parley/contracts';
import { ProviderError, type Providers, type RoleplayReply } from '@parley/providers';
import { JobQueues } from '@parley/queue';
import { ObjectStorage } from '@parley/storage';
import { setTimeout as sleep } from 'node:timers/promises';
import { AiTurnPublisher, type SpokenTurn } from '../ai-turn/ai-turn.publisher';
import { SpeechService } from '../ai-turn/speech.service';
import { PIPELINE_CONFIG, type TurnPipelineConfig } from '../config';
import { ConversationRepository, isOpen, type SessionSnapshot, type TurnRecord } from '../conversation/conversation.repository';
import { buildHistory, replySequence, traineeText } from '../conversation/history';
import type { JobAttempt } from '@parley/queue';
import { PIPELINE_JOB_ATTEMPTS } from '../jobs/job-attempt';
import { PipelineMetrics } from '../pipeline.metrics';
import { PROVIDERS } from '../providers/providers.provider';
import { inParallel } from './in-parallel';
import { ObjectiveCheckService } from './objective-check.service';
import { ReplyStreams, SessionEndedError } from './reply-stream';

type ReplyJob = JobPayload<typeof Jobs.ReplyTurn>;

/** How often a reply looks again for the transcript it answers while the session service stores it. */
const TRANSCRIPT_POLL_MS = 25;

/** The session service has not stored the transcript the reply answers yet; the queue retries the job. */
export class TranscriptNotStoredError extends Error {
  constructor(readonly sequence: number) {
    super(`The transcript of turn ${sequence} is not stored yet`);
    this.name = 'TranscriptNotStoredError';
  }
}

/**
 * The AI's answer to a trainee turn (SPEC §4.6-4.7): the roleplayer's reply, then at once its synthesis and the
 * objective check, published together so the session records the closing line before it ends. With a
 * speech-to-speech model (LLM_AUDIO) the trainee's audio goes to the model directly and its audio is the reply.
 */
@Injectable()
export class ReplyTurnService {
  private readonly logger = new Logger(ReplyTurnService.name);

  constructor(
    private readonly queues: JobQueues,
    private readonly conversations: ConversationRepository,
    @Inject(PROVIDERS) private readonly providers: Providers,
    private readonly speech: SpeechService,
    private readonly objectives: ObjectiveCheckService,
    private readonly publisher: AiTurnPublisher,
    private readonly storage: ObjectStorage,
    private readonly metrics: PipelineMetrics,
    private readonly streams: ReplyStreams,
    @Inject(PIPELINE_CONFIG) private readonly config: TurnPipelineConfig,
  ) {}

  /** Whether replies start from the trainee's audio (speech to speech) rather than from its transcript. */
  get fromAudio(): boolean {
    return this.providers.omni !== null;
  }

  /** One reply per trainee turn: a redelivered event finds the job id taken. */
  async enqueue(turn: { sessionId: string; sequence: number; acceptedAt: number; streamId?: string }): Promise<void> {
    const { sessionId, sequence, acceptedAt, streamId } = turn;
    const payload = { sessionId, afterSequence: sequence, acceptedAt, ...(streamId ? { streamId } : {}) };
    await this.queues.add(Queues.TurnPipeline, Jobs.ReplyTurn, payload, {
      jobId: jobId('reply', sessionId, replySequence(sequence)),
      attempts: PIPELINE_JOB_ATTEMPTS,
    });
  }

  async reply(job: ReplyJob, attempt: JobAttempt): Promise<void> {
    const { sessionId, afterSequence } = job;
    const sequence = replySequence(afterSequence);
    const session = await this.conversations.session(sessionId);
    if (!session || !isOpen(session.status)) return this.skip(`session is ${session?.status ?? 'gone'}`);
    if (await this.conversations.turn(sessionId, sequence)) return this.skip(`turn ${sequence} already recorded`);
    // Typed messages are stored with their text; spoken turns may still be waiting for their transcript.
    const fromAudio = this.fromAudio && session.mode !== 'text';
    const answered =
      fromAudio || session.mode === 'text'
        ? await this.conversations.turn(sessionId, afterSequence)
        : await this.transcribedTurn(sessionId, afterSequence, attempt);
    if (answered?.speaker !== 'trainee') return this.skip(`turn ${afterSequence} is not a trainee turn`);
    const turns = await this.conversations.turns(sessionId, afterSequence);

    if (job.streamId && (await this.streams.hasTokens(job.streamId))) {
      // An earlier run was cut off after its tokens reached the trainee: a second reply would contradict them.
      const cutOff = new ProviderError('roleplayer', attempt.number, new Error('the reply was interrupted after part of it was sent'));
      await this.publisher.guard(sessionId, sequence, async () => Promise.reject(cutOff));
      return;
    }
    const published = await this.publisher.guard(sessionId, sequence, async () => {
      const turn = fromAudio ? await this.answerAudio(session, turns, answered, job) : await this.answerText(session, turns, job);
      if (turn) await this.publisher.publish(turn);
    });
    this.metrics.jobs.inc({ job: Jobs.ReplyTurn, outcome: published ? 'published' : 'provider_failed' });
  }

  /**
   * Cascade: roleplayer on the transcript history (streamed, cancelled when the session ends), then synthesis and
   * the objective check side by side; text mode skips the synthesis. Null when the session ended meanwhile.
   */
  private async answerText(session: SessionSnapshot, turns: TurnRecord[], job: ReplyJob): Promise<SpokenTurn | null> {
    const { scenario } = session;
    const history = buildHistory(turns, job.afterSequence);
    const stream = this.streams.start(session.id, job.streamId);
    const startedAt = new Date();
    let reply: RoleplayReply;
    try {
      reply = await this.providers.roleplayer.reply({
        scenario,
        history,
        signal: stream.signal,
        onDelta: stream.onDelta,
        restartable: stream.restartable,
      });
    } catch (error) {
      if (stream.abortReason instanceof SessionEndedError) return null;
      throw error;
    } finally {
      await stream.finish();
    }
    this.metrics.firstTokenSeconds.observe({ kind: 'reply' }, reply.firstTokenMs / 1000);
    const written = session.mode === 'text';
    const [speech, verdict] = await inParallel(
      (signal) => (written ? Promise.resolve(null) : this.speech.speak(reply.text, scenario.persona.voice, signal)),
      (signal) => this.objectives.check(scenario, history, reply, signal),
    );
    return {
      sessionId: session.id,
      sequence: replySequence(job.afterSequence),
      text: reply.text,
      mp3: speech?.mp3,
      durationMs: speech?.durationMs ?? 0,
      startedAt: speech?.startedAt ?? startedAt,
      endedAt: speech?.endedAt ?? new Date(),
      llmFirstTokenMs: reply.firstTokenMs,
      ttsFirstByteMs: speech?.firstByteMs,
      outcome: verdict.outcome,
      outcomeRationale: verdict.rationale,
      acceptedAt: job.acceptedAt,
      engine: 'cascade',
      offline: this.providers.roleplayer.offline,
    };
  }

  /** Speech to speech: the trainee's audio in, the persona's text and audio out; then the objective check. */
  private async answerAudio(session: SessionSnapshot, turns: TurnRecord[], answered: TurnRecord, job: ReplyJob): Promise<SpokenTurn> {
    const { scenario } = session;
    if (!answered.audioKey) throw new Error(`Trainee turn ${job.afterSequence} has no audio`);
    const audio = await this.storage.get(answered.audioKey);
    const before = buildHistory(turns, job.afterSequence - 1);
    const startedAt = new Date();
    const reply = await this.providers.omni!.respond({ scenario, history: before, audio });
    const endedAt = new Date();
    this.metrics.firstTokenSeconds.observe({ kind: 'reply' }, reply.firstTokenMs / 1000);
    // The transcript has usually arrived meanwhile; without it the judge still sees the persona's answer.
    const heard = traineeText((await this.conversations.turn(session.id, job.afterSequence)) ?? answered);
    const history = heard ? [...before, { speaker: 'trainee' as const, text: heard }] : before;
    const verdict = await this.objectives.check(scenario, history, { text: reply.text, offline: false });
    return {
      sessionId: session.id,
      sequence: replySequence(job.afterSequence),
      text: reply.text,
      mp3: reply.mp3,
      durationMs: reply.durationMs,
      startedAt,
      endedAt,
      llmFirstTokenMs: reply.firstTokenMs,
      ttsFirstByteMs: reply.firstAudioMs,
      outcome: verdict.outcome,
      outcomeRationale: verdict.rationale,
      acceptedAt: job.acceptedAt,
      engine: 'omni',
      offline: false,
    };
  }

  /**
   * The trainee turn once its transcript is stored. The transcript event reaches the session service (which stores
   * it) and this service at the same time, so the row may lag by a few milliseconds; after TRANSCRIPT_WAIT_MS the
   * job is retried, and its last attempt answers without the transcript rather than leave the trainee waiting.
   */
  private async transcribedTurn(sessionId: string, sequence: number, attempt: JobAttempt): Promise<TurnRecord | null> {
    const deadline = Date.now() + this.config.TRANSCRIPT_WAIT_MS;
    let turn = await this.conversations.turn(sessionId, sequence);
    while (turn?.transcriptionStatus === 'pending' && Date.now() < deadline) {
      await sleep(TRANSCRIPT_POLL_MS);
      turn = await this.conversations.turn(sessionId, sequence);
    }
    if (turn?.transcriptionStatus !== 'pending') return turn;
    if (!attempt.last) throw new TranscriptNotStoredError(sequence);
    this.logger.warn({ sequence, attempt: attempt.number }, 'transcript still not stored; answering without it');
    return turn;
  }

  private skip(reason: string): void {
    this.metrics.jobs.inc({ job: Jobs.ReplyTurn, outcome: 'skipped' });
    this.logger.log({ reason }, 'reply skipped');
  }
}
