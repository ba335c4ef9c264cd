import type { Logger } from '@nestjs/common';
import { decodeMp3, float32ToInt16 } from '@parley/audio';
import type { Bus } from '@parley/bus';
import {
  AppError,
  GenerationSubjects,
  Signals,
  type ErrorBody,
  type GenerateRequest,
  type GenerationEvent,
  type ScenarioContent,
} from '@parley/contracts';
import type { PcmSynthesisResult, Providers, ReplyDelta, RoleplayReply } from '@parley/providers';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import { isOpen, type ConversationRepository } from '../conversation/conversation.repository';
import type { GenerationMetrics } from './generation.metrics';
import type { ObjectiveCheckService } from '../reply/objective-check.service';
import { SentenceSplitter } from './sentence-splitter';

/** How a generation ended, for the metrics and the logs. */
export type GenerationOutcome = 'completed' | 'cancelled' | 'session_ended' | 'failed' | 'abandoned';

export interface GenerationDeps {
  bus: Bus;
  providers: Providers;
  conversations: ConversationRepository;
  metrics: GenerationMetrics;
  objectives: ObjectiveCheckService;
  logger: Logger;
  /** Longest audio chunk published, in milliseconds of speech. */
  chunkMs: number;
}

/** `gen.<id>.cancel` arrived: the generation stops at once and publishes nothing more. */
export class GenerationCancelledError extends Error {
  constructor() {
    super('The generation was cancelled');
    this.name = 'GenerationCancelledError';
  }
}

/**
 * One live generation (realtime voice, SPEC §7): the roleplayer's reply streamed as `delta` events, and with `speak`
 * each sentence synthesised as soon as it is complete and published as PCM16 `audio` chunks, in order; then exactly
 * one `done` or `error`, or nothing at all once cancelled. Everything goes out on core NATS under
 * `gen.<generationId>`; nothing is stored here (the conversation's owner stores what was heard).
 */
export class Generation {
  private readonly controller = new AbortController();
  /** Set once the end is published or the generation is cancelled: nothing is published after it. */
  private ended = false;
  private outcome: GenerationOutcome = 'failed';
  private readonly startedAt = performance.now();
  private readonly releases: Array<() => void> = [];
  private deltas = 0;
  private audioChunks = 0;
  private firstTokenMs: number | undefined;
  private firstAudioMs: number | undefined;

  constructor(
    readonly request: GenerateRequest,
    private readonly deps: GenerationDeps,
  ) {}

  get id(): string {
    return this.request.generationId;
  }

  /** Subscribes to the cancel subject and the session's end; call before the request is answered. */
  listen(): void {
    const { bus } = this.deps;
    this.releases.push(bus.onSignal(GenerationSubjects.cancel(this.id), () => this.cancel()));
    this.releases.push(
      bus.onSignal(Signals.SessionEnded(this.request.sessionId), () =>
        this.stop('session_ended', new AppError('session_ended', 'The session ended during the generation')),
      ),
    );
  }

  /** Aborts the provider request and any synthesis; publishes nothing more, not even `done`. */
  cancel(): void {
    if (this.ended) return;
    this.ended = true;
    this.outcome = 'cancelled';
    this.controller.abort(new GenerationCancelledError());
  }

  /** Ends the generation with an `error` event (the session ended, the replica shuts down), then aborts it. */
  stop(outcome: GenerationOutcome, error: AppError): void {
    if (this.ended) return;
    this.finish({ type: 'error', error: error.toJSON() });
    this.outcome = outcome;
    this.controller.abort(error);
  }

  /** Runs to the end; never throws. */
  async run(): Promise<GenerationOutcome> {
    try {
      const done = await this.generate();
      this.finish(done);
      this.outcome = 'completed';
    } catch (error) {
      if (!this.ended) {
        this.finish({ type: 'error', error: errorBody(error, this.deps.logger, this.id) });
        this.outcome = 'failed';
      }
    } finally {
      // Whatever is still running (a synthesis after a failure) stops now.
      if (!this.controller.signal.aborted) this.controller.abort(new GenerationCancelledError());
      for (const release of this.releases.splice(0)) release();
    }
    return this.outcome;
  }

  private async generate(): Promise<Extract<GenerationEvent, { type: 'done' }>> {
    const { request, deps } = this;
    const { providers } = deps;
    const signal = this.controller.signal;
    const session = await deps.conversations.session(request.sessionId);
    if (!session) throw new AppError('not_found', 'No such session');
    if (!isOpen(session.status)) throw new AppError('session_ended', `The session is ${session.status}`);
    signal.throwIfAborted();
    const scenario: ScenarioContent = request.systemPrompt ? { ...session.scenario, systemPrompt: request.systemPrompt } : session.scenario;

    const speech = request.speak
      ? new SpeechQueue(this, request.voice ?? scenario.persona.voice, (error) => this.controller.abort(error))
      : null;
    const splitter = new SentenceSplitter();
    const onDelta = (delta: ReplyDelta): void => {
      if (this.ended || signal.aborted || !delta.text) return;
      this.firstTokenMs ??= this.elapsedMs();
      if (this.deltas === 0) deps.metrics.firstTokenSeconds.observe({ offline: String(providers.roleplayer.offline) }, this.firstTokenMs / 1000);
      this.publish({ type: 'delta', index: this.deltas++, text: delta.text });
      if (speech) for (const sentence of splitter.push(delta.text)) speech.enqueue(sentence);
    };

    // Not restartable: deltas reach the trainee at once, so a failure after the first one is final (no retry could
    // take them back); failures before it are still retried by the provider.
    const roleplay = { scenario, signal, onDelta, restartable: false };
    const reply: RoleplayReply =
      request.history.length === 0
        ? await providers.roleplayer.opening(roleplay)
        : await providers.roleplayer.reply({ ...roleplay, history: request.history });
    signal.throwIfAborted();
    if (this.deltas === 0 && reply.text) onDelta({ text: reply.text, attempt: 1 }); // a source that does not stream
    // The objective check (SPEC §4.7) runs while the last sentences are spoken; the owner ends the session on it.
    const verdict = request.history.length ? deps.objectives.check(scenario, request.history, reply, signal) : Promise.resolve(null);
    if (speech) {
      const rest = splitter.flush();
      if (rest) speech.enqueue(rest);
      await speech.drained();
    }
    const outcome = (await verdict)?.outcome;
    signal.throwIfAborted();
    return {
      ...(outcome ? { outcome } : {}),
      type: 'done',
      text: reply.text,
      tokens: this.deltas,
      llmFirstTokenMs: Math.round(this.firstTokenMs ?? reply.firstTokenMs),
      ...(this.firstAudioMs !== undefined ? { ttsFirstByteMs: Math.round(this.firstAudioMs) } : {}),
      model: reply.model,
      offline: reply.offline,
    };
  }

  /** Publishes one sentence's speech in chunks of at most `chunkMs`; false when the generation ended meanwhile. */
  publishSpeech(sentence: string, speech: PcmSynthesisResult): boolean {
    const { pcm, sampleRate } = speech;
    const samplesPerChunk = Math.max(1, Math.floor((sampleRate * this.deps.chunkMs) / 1000));
    for (let at = 0; at < pcm.length; at += samplesPerChunk) {
      if (this.ended || this.controller.signal.aborted) return false;
      const samples = pcm.subarray(at, Math.min(at + samplesPerChunk, pcm.length));
      const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
      if (this.firstAudioMs === undefined) {
        this.firstAudioMs = this.elapsedMs();
        this.deps.metrics.firstAudioSeconds.observe({ synthesizer: this.deps.providers.synthesizer.name }, this.firstAudioMs / 1000);
      }
      this.publish({
        type: 'audio',
        index: this.audioChunks++,
        pcm: bytes.toString('base64'),
        sampleRate,
        ...(at === 0 ? { text: sentence } : {}),
      });
    }
    return true;
  }

  /** Mono PCM16 of one sentence from the configured synthesizer (MP3 decoded only for one without raw output). */
  async synthesize(sentence: string, voice: string): Promise<PcmSynthesisResult> {
    const { synthesizer } = this.deps.providers;
    const signal = this.controller.signal;
    if (synthesizer.synthesizePcm) return synthesizer.synthesizePcm(sentence, voice, { signal });
    const result = await synthesizer.synthesize(sentence, voice, { signal });
    const decoded = await decodeMp3(result.mp3);
    return { pcm: float32ToInt16(decoded.pcm), sampleRate: decoded.sampleRate, firstByteMs: result.firstByteMs, voice: result.voice };
  }

  get aborted(): boolean {
    return this.ended || this.controller.signal.aborted;
  }

  private publish(event: GenerationEvent): void {
    if (this.ended) return;
    this.deps.bus.signal(GenerationSubjects.events(this.id), event);
  }

  /** The one `done` or `error`. */
  private finish(event: GenerationEvent): void {
    if (this.ended) return;
    this.publish(event);
    this.ended = true;
  }

  private elapsedMs(): number {
    return performance.now() - this.startedAt;
  }
}

/**
 * Sentences spoken one after another, each synthesised as soon as it is complete (and the one before it is
 * synthesised), so the first is heard while the model still writes the rest. A synthesis failure aborts the whole
 * generation through `fail`.
 */
class SpeechQueue {
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly generation: Generation,
    private readonly voice: string,
    private readonly fail: (error: unknown) => void,
  ) {}

  enqueue(sentence: string): void {
    // Nothing to say (a lone dash, an ellipsis): synthesisers refuse it.
    if (!/[\p{L}\p{N}]/u.test(sentence)) return;
    this.chain = this.chain.then(async () => {
      if (this.failure !== undefined || this.generation.aborted) return;
      try {
        const speech = await this.generation.synthesize(sentence, this.voice);
        // Synthesis may have blocked the event loop (Flite runs in-process): let a waiting cancel arrive first.
        await yieldToIo();
        this.generation.publishSpeech(sentence, speech);
      } catch (error) {
        if (this.generation.aborted) return;
        this.failure = error;
        this.fail(error);
      }
    });
  }

  /** Resolves once every sentence is published; rejects with the synthesis failure, if any. */
  async drained(): Promise<void> {
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
  }
}

function errorBody(error: unknown, logger: Logger, generationId: string): ErrorBody {
  if (error instanceof AppError) {
    if (error.code === 'provider_error') logger.warn({ generationId, err: error.message }, 'generation failed: provider');
    return error.toJSON();
  }
  logger.error({ generationId, err: error instanceof Error ? error.stack : String(error) }, 'generation failed');
  return new AppError('internal', 'Something went wrong on our side').toJSON();
}
