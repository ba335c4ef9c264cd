import type { RealtimeEngine } from '@parley/contracts';
import type { GenerationRequest, GeneratorEvent, GeneratorPort } from '../ports';
import { S2sUnavailable } from './realtime-socket';
import type { S2sGenerator } from './s2s-generator';

/**
 * The generator of a session that asked for speech-to-speech: generations go to the provider's socket until it is
 * lost, then to the cascade for the rest of the session (no flapping between engines; the history is the
 * conversation's, so the cascade continues with every turn so far). A generation the socket loss catches before it
 * produced anything is handed to the cascade at once; one that had produced output ends as failed, the next one
 * goes to the cascade.
 */
export class EngineSwitch implements GeneratorPort {
  private s2s: S2sGenerator | null;
  /** Which engine produced each generation's output (a turn keeps its engine even if the session falls back later). */
  private readonly producedBy = new Map<string, RealtimeEngine>();

  constructor(
    s2s: S2sGenerator,
    private readonly cascade: GeneratorPort,
    private readonly onFallback: (reason: string) => void,
  ) {
    this.s2s = s2s;
  }

  /** The speech-to-speech generator while it is the engine. */
  get current(): S2sGenerator | null {
    return this.s2s;
  }

  get engine(): RealtimeEngine {
    return this.s2s ? 'speech_to_speech' : 'cascade';
  }

  /** Switches to the cascade (once); the host tells the client and records the engine. */
  fallback(reason: string): void {
    const s2s = this.s2s;
    if (!s2s) return;
    this.s2s = null;
    s2s.close();
    this.onFallback(reason);
  }

  /** The engine that produced a generation (asked once, when its turn is stored). */
  engineOf(generationId: string): RealtimeEngine | undefined {
    const engine = this.producedBy.get(generationId);
    this.producedBy.delete(generationId);
    return engine;
  }

  async *start(request: GenerationRequest): AsyncGenerator<GeneratorEvent> {
    // Bounded: entries of generations never stored as turns are dropped oldest first.
    if (this.producedBy.size > 64) this.producedBy.delete(this.producedBy.keys().next().value!);
    const s2s = this.s2s;
    if (s2s) {
      let produced = false;
      try {
        for await (const event of s2s.start(request)) {
          if (!produced) this.producedBy.set(request.generationId, 'speech_to_speech');
          produced = true;
          yield event;
        }
        return;
      } catch (error) {
        if (!(error instanceof S2sUnavailable)) throw error;
        this.fallback(error.reason);
        if (produced || request.signal.aborted) throw error;
      }
    }
    this.producedBy.set(request.generationId, 'cascade');
    yield* this.cascade.start(request);
  }
}
