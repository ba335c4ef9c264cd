import { Injectable, Logger } from '@nestjs/common';
import { Bus } from '@parley/bus';
import { Events, type EventPayload } from '@parley/contracts';
import { ProviderError, type ObjectiveOutcome, type ProviderRole } from '@parley/providers';
import { ObjectStorage, audioKey } from '@parley/storage';
import { PipelineMetrics } from '../pipeline.metrics';

/** One AI turn, spoken: what the session records and the trainee hears. */
export interface SpokenTurn {
  sessionId: string;
  sequence: number;
  text: string;
  /** Mono MP3; none in text mode, where the AI writes. */
  mp3?: Buffer;
  durationMs: number;
  /** The span in which the audio was produced. */
  startedAt: Date;
  endedAt: Date;
  llmFirstTokenMs?: number;
  ttsFirstByteMs?: number;
  outcome: ObjectiveOutcome;
  outcomeRationale?: string;
  /** When the trainee turn it answers was accepted; absent for the opening. */
  acceptedAt?: number;
  /** `cascade` (roleplayer then synthesis) or `omni` (speech to speech), for metrics. */
  engine: 'cascade' | 'omni';
  /** Played by the offline branching script rather than a model. */
  offline: boolean;
}

type FailedRole = EventPayload<typeof Events.ProviderFailed>['role'];

const EVENT_ROLE: Record<ProviderRole, FailedRole> = {
  roleplayer: 'roleplayer',
  omni: 'roleplayer',
  objective_check: 'objective_check',
  speech_synthesis: 'synthesis',
  transcription: 'transcription',
};

/**
 * The end of every pipeline job. Audio goes to one object per (session, sequence) and the event carries one
 * message id per (session, sequence), so a retried job overwrites the same object and publishes nothing new.
 */
@Injectable()
export class AiTurnPublisher {
  private readonly logger = new Logger(AiTurnPublisher.name);

  constructor(
    private readonly storage: ObjectStorage,
    private readonly bus: Bus,
    private readonly metrics: PipelineMetrics,
  ) {}

  async publish(turn: SpokenTurn): Promise<void> {
    const key = turn.mp3 ? audioKey(turn.sessionId, turn.sequence, 'ai') : undefined;
    if (key) await this.storage.put(key, turn.mp3!, 'audio/mpeg');
    const speechEndToAudioMs = turn.acceptedAt === undefined ? undefined : Math.max(0, Date.now() - turn.acceptedAt);
    await this.bus.publish(
      Events.AiReplyReady,
      {
        sessionId: turn.sessionId,
        sequence: turn.sequence,
        text: turn.text,
        ...(key ? { audioKey: key, audioBytes: turn.mp3!.length } : {}),
        durationMs: Math.max(0, Math.round(turn.durationMs)),
        startedAt: turn.startedAt.toISOString(),
        endedAt: turn.endedAt.toISOString(),
        latency: { llmFirstTokenMs: turn.llmFirstTokenMs, ttsFirstByteMs: turn.ttsFirstByteMs, speechEndToAudioMs },
        outcome: turn.outcome,
        ...(turn.outcomeRationale ? { outcomeRationale: turn.outcomeRationale } : {}),
        offlineRoleplayer: turn.offline,
      },
      { messageId: `ai-reply-${turn.sessionId}-${turn.sequence}` },
    );
    if (speechEndToAudioMs !== undefined) this.metrics.replyLatencySeconds.observe({ engine: turn.engine }, speechEndToAudioMs / 1000);
    // Sizes and timings only: the words never reach the logs.
    this.logger.log(
      { sequence: turn.sequence, audioBytes: turn.mp3?.length ?? 0, durationMs: turn.durationMs, speechEndToAudioMs, outcome: turn.outcome },
      'AI turn ready',
    );
  }

  /**
   * Runs the provider work of one AI turn. A provider that failed for good (it has already timed out and retried)
   * ends the session with `provider_error` through `ProviderFailed`, and the job completes: retrying it would only
   * keep the trainee waiting. Any other error is thrown for the queue to retry.
   * Resolves true when the turn was published, false when a provider failure was reported instead.
   */
  async guard(sessionId: string, sequence: number, work: () => Promise<void>): Promise<boolean> {
    try {
      await work();
      return true;
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      await this.providerFailed(sessionId, sequence, error);
      return false;
    }
  }

  private async providerFailed(sessionId: string, sequence: number, error: ProviderError): Promise<void> {
    const role = EVENT_ROLE[error.role];
    this.metrics.providerFailures.inc({ role });
    this.logger.warn({ sequence, role, attempts: error.attempts, err: error.message }, 'provider failed for good; ending the session');
    await this.bus.publish(
      Events.ProviderFailed,
      { sessionId, sequence, role, message: error.message },
      { messageId: `provider-failed-${sessionId}-${sequence}` },
    );
  }
}
