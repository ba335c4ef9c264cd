import { Inject, Injectable, Logger } from '@nestjs/common';
import { Events, Jobs, Queues, jobId, type EventPayload, type JobPayload } from '@parley/contracts';
import type { Providers } from '@parley/providers';
import { JobQueues } from '@parley/queue';
import { AiTurnPublisher, type SpokenTurn } from '../ai-turn/ai-turn.publisher';
import { SpeechService } from '../ai-turn/speech.service';
import { ConversationRepository, isOpen, type SessionSnapshot } from '../conversation/conversation.repository';
import { OPENING_SEQUENCE } from '../conversation/history';
import { PIPELINE_JOB_ATTEMPTS } from '../jobs/job-attempt';
import { PipelineMetrics } from '../pipeline.metrics';
import { PROVIDERS } from '../providers/providers.provider';

type SessionCreated = EventPayload<typeof Events.SessionCreated>;
type OpeningJob = JobPayload<typeof Jobs.OpeningTurn>;

/** Turn 0 (SPEC §4.2): right after creation the persona speaks first, text and audio, without any trainee input. */
@Injectable()
export class OpeningTurnService {
  private readonly logger = new Logger(OpeningTurnService.name);

  constructor(
    private readonly queues: JobQueues,
    private readonly conversations: ConversationRepository,
    @Inject(PROVIDERS) private readonly providers: Providers,
    private readonly speech: SpeechService,
    private readonly publisher: AiTurnPublisher,
    private readonly metrics: PipelineMetrics,
  ) {}

  /** One opening per session: a redelivered event finds the job id taken. */
  async enqueue({ sessionId }: SessionCreated): Promise<void> {
    await this.queues.add(Queues.TurnPipeline, Jobs.OpeningTurn, { sessionId }, {
      jobId: jobId('opening', sessionId),
      attempts: PIPELINE_JOB_ATTEMPTS,
    });
  }

  async open({ sessionId }: OpeningJob): Promise<void> {
    const session = await this.conversations.session(sessionId);
    if (!session || !isOpen(session.status)) return this.skip(`session is ${session?.status ?? 'gone'}`);
    // A live conversation opens itself, streamed, once the trainee is there (rt_start).
    if (session.mode === 'realtime') return this.skip('realtime sessions open in their conversation');
    if (await this.conversations.turn(sessionId, OPENING_SEQUENCE)) return this.skip('turn 0 already recorded');

    const published = await this.publisher.guard(sessionId, OPENING_SEQUENCE, async () =>
      this.publisher.publish(this.providers.omni && session.mode !== 'text' ? await this.speakWithOmni(session) : await this.speakScripted(session)),
    );
    this.metrics.jobs.inc({ job: Jobs.OpeningTurn, outcome: published ? 'published' : 'provider_failed' });
  }

  /** Roleplayer (model or offline script), then synthesis in the persona's voice. */
  private async speakScripted(session: SessionSnapshot): Promise<SpokenTurn> {
    const { scenario } = session;
    const opening = await this.providers.roleplayer.opening({ scenario });
    this.metrics.firstTokenSeconds.observe({ kind: 'opening' }, opening.firstTokenMs / 1000);
    // In text mode the AI writes: no synthesis.
    const speech = session.mode === 'text' ? null : await this.speech.speak(opening.text, scenario.persona.voice);
    const now = new Date();
    return {
      sessionId: session.id,
      sequence: OPENING_SEQUENCE,
      text: opening.text,
      mp3: speech?.mp3,
      durationMs: speech?.durationMs ?? 0,
      startedAt: speech?.startedAt ?? now,
      endedAt: speech?.endedAt ?? now,
      llmFirstTokenMs: opening.firstTokenMs,
      ttsFirstByteMs: speech?.firstByteMs,
      outcome: 'continue',
      engine: 'cascade',
      offline: this.providers.roleplayer.offline,
    };
  }

  /** Speech to speech: the model says its opening line in its own voice, the same voice as its later replies. */
  private async speakWithOmni(session: SessionSnapshot): Promise<SpokenTurn> {
    const startedAt = new Date();
    const reply = await this.providers.omni!.respond({ scenario: session.scenario, history: [] });
    this.metrics.firstTokenSeconds.observe({ kind: 'opening' }, reply.firstTokenMs / 1000);
    return {
      sessionId: session.id,
      sequence: OPENING_SEQUENCE,
      text: reply.text,
      mp3: reply.mp3,
      durationMs: reply.durationMs,
      startedAt,
      endedAt: new Date(),
      llmFirstTokenMs: reply.firstTokenMs,
      ttsFirstByteMs: reply.firstAudioMs,
      outcome: 'continue',
      engine: 'omni',
      offline: false,
    };
  }

  private skip(reason: string): void {
    this.metrics.jobs.inc({ job: Jobs.OpeningTurn, outcome: 'skipped' });
    this.logger.log({ reason }, 'opening skipped');
  }
}
