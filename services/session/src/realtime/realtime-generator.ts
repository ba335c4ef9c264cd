import { Bus } from '@parley/bus';
import { AppError, Commands, GenerationSubjects, type GenerationEvent } from '@parley/contracts';
import type { GenerationRequest, GeneratorEvent, GeneratorPort } from './ports';

/** A generation that sends nothing for this long is given up (providers time out well before). */
const SILENT_GENERATION_MS = 30_000;

/**
 * The cascade's LLM + synthesis half, run by the turn-pipeline (`pipeline.generate`): its deltas and audio arrive
 * on core NATS as they are made; aborting the request's signal sends the cancel, which aborts the provider call.
 */
export class PipelineGenerator implements GeneratorPort {
  constructor(
    private readonly bus: Bus,
    private readonly sessionId: string,
    private readonly voice: () => string | undefined,
    private readonly systemPrompt: string | undefined,
    /** Told the objective check that came with a completed reply. */
    private readonly onOutcome: (generationId: string, outcome: 'objective_met' | 'objective_failed' | 'continue') => void,
  ) {}

  async *start(request: GenerationRequest): AsyncGenerator<GeneratorEvent> {
    const { generationId, signal } = request;
    const inbox: GenerationEvent[] = [];
    let wake: (() => void) | null = null;
    const stop = this.bus.onSignal(GenerationSubjects.events(generationId), (event) => {
      inbox.push(event as GenerationEvent);
      wake?.();
    });
    const cancel = () => {
      this.bus.signal(GenerationSubjects.cancel(generationId));
      wake?.();
    };
    signal.addEventListener('abort', cancel, { once: true });
    try {
      await this.bus.request(Commands.Generate, {
        generationId,
        sessionId: this.sessionId,
        history: request.history,
        speak: true,
        voice: request.settings.voice ?? this.voice(),
        systemPrompt: request.settings.systemPrompt ?? this.systemPrompt,
      });
      for (;;) {
        if (signal.aborted) return;
        const event = inbox.shift();
        if (!event) {
          const arrived = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), SILENT_GENERATION_MS);
            wake = () => {
              clearTimeout(timer);
              resolve(true);
            };
          });
          wake = null;
          if (!arrived && !signal.aborted) throw new AppError('provider_error', 'The reply stopped arriving');
          continue;
        }
        if (event.type === 'delta') yield { type: 'delta', text: event.text };
        else if (event.type === 'audio') {
          const bytes = Buffer.from(event.pcm, 'base64');
          const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
          yield { type: 'audio', pcm, sampleRate: event.sampleRate, text: event.text };
        } else if (event.type === 'done') {
          if (event.outcome) this.onOutcome(generationId, event.outcome);
          yield { type: 'done', tokens: event.tokens, ttsFirstByteMs: event.ttsFirstByteMs };
          return;
        } else {
          throw AppError.fromBody(event.error);
        }
      }
    } finally {
      signal.removeEventListener('abort', cancel);
      stop();
    }
  }
}
