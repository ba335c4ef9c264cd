import { Inject, Injectable, Logger } from '@nestjs/common';
import { InvalidAudioError } from '@parley/audio';
import { Bus } from '@parley/bus';
import { Events, Jobs, Queues, jobId, type EventPayload, type JobPayload } from '@parley/contracts';
import { ProviderError, type Transcriber } from '@parley/providers';
import { JobQueues } from '@parley/queue';
import { ObjectStorage, isObjectNotFound } from '@parley/storage';
import type { JobAttempt } from '@parley/queue';
import { TRANSCRIBER } from './transcriber.provider';
import { TranscriptionMetrics } from './transcription.metrics';
import { TranscriptionRepository } from './transcription.repository';

type TurnAccepted = EventPayload<typeof Events.TraineeTurnAccepted>;
type TurnToTranscribe = JobPayload<typeof Jobs.TranscribeTurn>;
type Result = { status: 'done'; text: string } | { status: 'failed'; error: string };

/** Runs of a transcription job before its turn is settled as failed. */
export const TRANSCRIBE_ATTEMPTS = 3;
/** A failure reason stays short: it is stored on the turn and shown to operators. */
const MAX_ERROR_LENGTH = 500;

/**
 * Transcribes trainee turns (SPEC §4.5) and always settles them: every accepted turn ends in exactly one
 * `TurnTranscribed`, `done` or `failed`, so neither the session nor the turn pipeline waits forever.
 */
@Injectable()
export class TranscriptionService {
  private readonly logger = new Logger(TranscriptionService.name);

  constructor(
    private readonly queues: JobQueues,
    private readonly bus: Bus,
    private readonly storage: ObjectStorage,
    private readonly turns: TranscriptionRepository,
    @Inject(TRANSCRIBER) private readonly transcriber: Transcriber,
    private readonly metrics: TranscriptionMetrics,
  ) {}

  /** One job per turn: a redelivered event finds the job id taken and adds nothing. */
  async enqueue(turn: TurnAccepted): Promise<void> {
    const { sessionId, turnId, sequence, audioKey, acceptedAt } = turn;
    await this.queues.add(
      Queues.Transcription,
      Jobs.TranscribeTurn,
      { sessionId, turnId, sequence, audioKey, acceptedAt },
      { jobId: jobId('transcribe', turnId), attempts: TRANSCRIBE_ATTEMPTS },
    );
  }

  /**
   * Audio from storage → transcriber → `TurnTranscribed`. Unusable audio, a missing object and a provider that
   * failed for good (it already retried) settle the turn as `failed` at once; anything else (storage, database)
   * is thrown for the queue to retry, and settles the turn as `failed` on the last attempt.
   */
  async transcribe(turn: TurnToTranscribe, attempt: JobAttempt): Promise<void> {
    let language: string | undefined;
    try {
      const target = await this.turns.turn(turn.turnId);
      if (!target || target.status !== 'pending') {
        this.metrics.jobs.inc({ outcome: 'skipped' });
        this.logger.log({ turnId: turn.turnId, status: target?.status ?? 'deleted' }, 'turn already settled or deleted; skipped');
        return;
      }
      language = target.language;
    } catch (error) {
      // The database only tells the language: on the last attempt, transcribe without it rather than not at all.
      this.throwUnlessLast(attempt, error);
    }
    const result = await this.recognise(turn, language, attempt);
    await this.publish(turn, result);
  }

  private async recognise(turn: TurnToTranscribe, language: string | undefined, attempt: JobAttempt): Promise<Result> {
    const started = performance.now();
    const provider = this.transcriber.name;
    try {
      const mp3 = await this.storage.get(turn.audioKey);
      const { text } = await this.transcriber.transcribe(mp3, { language });
      this.metrics.transcribeSeconds.observe({ provider, status: 'done' }, (performance.now() - started) / 1000);
      return { status: 'done', text };
    } catch (error) {
      if (!settlesAtOnce(error)) this.throwUnlessLast(attempt, error);
      this.metrics.transcribeSeconds.observe({ provider, status: 'failed' }, (performance.now() - started) / 1000);
      this.logger.warn({ turnId: turn.turnId, attempt: attempt.number, err: describe(error) }, 'transcription failed; turn settled as failed');
      return { status: 'failed', error: describe(error) };
    }
  }

  private async publish(turn: TurnToTranscribe, result: Result): Promise<void> {
    const transcriptMs = Math.max(0, Date.now() - turn.acceptedAt);
    await this.bus.publish(
      Events.TurnTranscribed,
      {
        sessionId: turn.sessionId,
        turnId: turn.turnId,
        sequence: turn.sequence,
        status: result.status,
        text: result.status === 'done' ? result.text : '',
        transcriptMs,
        acceptedAt: turn.acceptedAt,
        ...(result.status === 'failed' ? { error: result.error } : {}),
      },
      { messageId: `transcribed-${turn.turnId}` },
    );
    this.metrics.jobs.inc({ outcome: result.status });
    this.metrics.transcriptLatencySeconds.observe({ status: result.status }, transcriptMs / 1000);
    // Lengths only: transcripts never reach the logs.
    this.logger.log(
      { turnId: turn.turnId, status: result.status, transcriptMs, chars: result.status === 'done' ? result.text.length : 0 },
      'transcript published',
    );
  }

  /** Hands `error` to the queue for another attempt; on the last attempt it is logged and the caller settles the turn. */
  private throwUnlessLast(attempt: JobAttempt, error: unknown): void {
    if (!attempt.last) throw error;
    this.logger.error({ err: describe(error), attempt: attempt.number }, 'transcription job out of attempts');
  }
}

/** Failures that another attempt cannot fix. */
function settlesAtOnce(error: unknown): boolean {
  return error instanceof InvalidAudioError || error instanceof ProviderError || isObjectNotFound(error);
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH - 1)}…` : message;
}
