import {
  RT_DEBOUNCE_MAX_MS,
  RT_DEBOUNCE_MIN_MS,
  RT_SAMPLE_RATE,
  type GenerationOutcome,
  type GenerationRecord,
  type LatencyBreakdown,
  type LatencyEvent,
  type RealtimeSettings,
  type RealtimeSettingsPatch,
  type StateTransition,
  type TransitionReason,
  type TurnState,
  type TurnView,
} from '@parley/contracts';
import { heardText, type SpokenSegment } from './heard';
import type {
  AiTurnRecord,
  ConversationPorts,
  GenerationKind,
  GeneratorEvent,
  HistoryEntry,
  RecognizerStream,
  TimerHandle,
} from './ports';
import { TurnTaking } from './turn-taking';
import { VoiceTracker, type VoiceFrame } from './voice';

export interface ConversationTuning {
  /** Consecutive voice that makes a start of speech. */
  onsetMs: number;
  /**
   * Silence inside speech that does not end it. Short, so the final transcript follows the speech closely: a longer
   * pause only starts a new segment of the same utterance, and the turn itself waits for the debounce.
   */
  hangoverMs: number;
  /** Voice while the AI talks that cuts it off (SPEC: about 100 ms). */
  bargeInMs: number;
  /** Voice during SPECULATIVE that cancels it without a correction marker: a cough or "mm" does not. */
  speculativeCancelMs: number;
  /** Shorter speech is a blip, not an utterance. */
  minUtteranceMs: number;
  /** Unprocessed audio kept per session; older frames are dropped. */
  maxBufferedMs: number;
  /** How long after its audio should have ended a turn still counts as playing (client jitter buffer). */
  playbackMarginMs: number;
  /** How long an interrupted turn waits for the client's `playback` report before it is stored. */
  playbackReportWaitMs: number;
}

export const DEFAULT_TUNING: Readonly<ConversationTuning> = Object.freeze({
  onsetMs: 60,
  hangoverMs: 80,
  bargeInMs: 100,
  speculativeCancelMs: 200,
  minUtteranceMs: 120,
  maxBufferedMs: 10_000,
  playbackMarginMs: 250,
  playbackReportWaitMs: 1000,
});

const ADAPT_EVERY_AI_TURNS = 10;
const TELEMETRY_EVERY_AI_TURNS = 5;
const CORRECTION_MARKERS = /\b(actually|wait|sorry|no)\b/i;

export function hasCorrectionMarker(text: string): boolean {
  return CORRECTION_MARKERS.test(text);
}

export interface ConversationStats {
  state: TurnState;
  aiTurns: number;
  generations: number;
  cancellations: number;
  tokensWasted: number;
  interruptions: number;
  droppedFrames: number;
  droppedMs: number;
}

/** A stretch of trainee speech being recognized. A probe is speech that has not (yet) changed anything. */
interface Segment {
  stream: RecognizerStream;
  probe: boolean;
  startedAt: number;
  /** Resolved final transcript; null while pending. */
  text: string | null;
  final: Promise<string> | null;
  /** Frames heard before the segment became part of an utterance (barge-in). */
  audio: Int16Array[];
}

interface Utterance {
  id: string;
  startedAt: number;
  segments: Segment[];
  audio: Int16Array[];
  /** Frames up to the end of the last voiced frame. */
  audioKept: number;
  voicedMs: number;
  speechEnd: number | null;
  transcriptMs: number | null;
  lastEmitted: string;
}

interface Generation {
  id: string;
  aiTurnId: string;
  kind: GenerationKind;
  controller: AbortController;
  answers: Utterance | null;
  history: HistoryEntry[];
  startedAt: number;
  firstTokenAt: number | null;
  firstAudioAt: number | null;
  ttsFirstByteMs: number | null;
  text: string;
  deltas: number;
  tokens: number | null;
  held: GeneratorEvent[];
  /** The generator said it is done (its output may still be held). */
  finished: boolean;
  released: boolean;
  committedAt: number;
  done: boolean;
  chunks: number;
  sampleRate: number;
  audio: Int16Array[];
  audioMs: number;
  spoken: SpokenSegment[];
  firstChunkSentAt: number | null;
  playbackTimer: TimerHandle | null;
}

interface QueuedFrame {
  pcm: Int16Array;
  ms: number;
  receivedAt: number;
  /** Wall-clock arrival at the gateway (ms since epoch), when known. */
  arrivedAt: number | undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();
const concat = (chunks: readonly Int16Array[]) => {
  const out = new Int16Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
};
const joinText = (parts: readonly (string | null)[]) =>
  parts.map((part) => part?.trim() ?? '').filter(Boolean).join(' ');

/**
 * One realtime practice conversation (SPEC §7.2): trainee frames in, turn-taking decisions, AI turns streamed out,
 * records stored. Single-threaded and I/O-free: everything outside goes through {@link ConversationPorts}.
 */
export class Conversation {
  private readonly tuning: ConversationTuning;
  private readonly turnTaking: TurnTaking;
  private readonly voice: VoiceTracker;
  private settings: RealtimeSettings;
  private closed = false;

  private history: HistoryEntry[] = [];
  private nextSequence = 0;
  private utterance: Utterance | null = null;
  private segment: Segment | null = null;
  private generation: Generation | null = null;
  /** Transitions since the last stored turn; each stored turn takes them. */
  private transitions: StateTransition[] = [];
  /** Cancelled or unheard generations waiting for the next stored AI turn. */
  private orphanGenerations: GenerationRecord[] = [];
  private transitionTurnId: string | undefined;

  private readonly timers = new Set<TimerHandle>();
  private silenceTimer: TimerHandle | null = null;
  /** The commit time came while voice was going on: commit as soon as that voice turns out to be nothing. */
  private commitDue = false;
  /** Replaced whenever silence timing restarts, so a stale debounce continuation gives up. */
  private silenceToken = {};

  private readonly queue: QueuedFrame[] = [];
  private queuedMs = 0;
  private draining = false;
  private lastSeq = -1;

  private readonly playbackReports = new Map<string, number>();
  private readonly reportWaiters = new Map<string, () => void>();
  private storeChain: Promise<void> = Promise.resolve();

  private readonly counters = {
    aiTurns: 0,
    generations: 0,
    cancellations: 0,
    tokensWasted: 0,
    interruptions: 0,
    droppedFrames: 0,
    droppedMs: 0,
    firstAudioSum: 0,
    firstAudioN: 0,
  };
  /** Generations and cancellations since the last debounce adjustment. */
  private window = { generations: 0, cancellations: 0 };

  constructor(
    private readonly sessionId: string,
    private readonly ports: ConversationPorts,
    settings: RealtimeSettings,
    tuning: Partial<ConversationTuning> = {},
  ) {
    this.settings = { ...settings };
    this.tuning = { ...DEFAULT_TUNING, ...tuning };
    this.voice = new VoiceTracker(this.tuning);
    this.turnTaking = new TurnTaking(ports.clock.now, ports.logger, (transition) => {
      this.transitions.push(transition);
      this.ports.emit('state_change', {
        sessionId: this.sessionId,
        ...transition,
        ...(this.transitionTurnId ? { turnId: this.transitionTurnId } : {}),
      });
    });
  }

  get state(): TurnState {
    return this.turnTaking.state;
  }

  get currentSettings(): RealtimeSettings {
    return { ...this.settings };
  }

  stats(): ConversationStats {
    const { aiTurns, generations, cancellations, tokensWasted, interruptions, droppedFrames, droppedMs } = this.counters;
    return { state: this.state, aiTurns, generations, cancellations, tokensWasted, interruptions, droppedFrames, droppedMs };
  }

  /** Continues a session another replica started: the stored turns become the history. Only before anything else. */
  resume(turns: readonly Pick<TurnView, 'sequence' | 'speaker' | 'text'>[]): boolean {
    if (this.closed || this.state !== 'IDLE' || this.generation || this.nextSequence > 0) return false;
    const ordered = [...turns].sort((a, b) => a.sequence - b.sequence);
    this.history = ordered.filter((turn) => turn.text).map((turn) => ({ speaker: turn.speaker, text: turn.text! }));
    this.nextSequence = ordered.length ? ordered[ordered.length - 1].sequence + 1 : 0;
    return true;
  }

  /** An AI turn nobody asked for: the opening (turn 0) or a re-prompt after a long silence. */
  startAiTurn(kind: 'opening' | 'reprompt'): boolean {
    if (this.closed || this.state !== 'IDLE') return false;
    const generation = this.newGeneration(kind, null, [...this.history]);
    this.go('COMMITTED', kind, generation.aiTurnId);
    this.run(generation);
    this.release(generation);
    return true;
  }

  /** One frame of trainee audio (16 kHz mono PCM16). Frames out of order are dropped. */
  pushFrame(seq: number, pcm: Int16Array, arrivedAt?: number): void {
    if (this.closed || seq <= this.lastSeq) return;
    this.lastSeq = seq;
    const ms = (pcm.length / RT_SAMPLE_RATE) * 1000;
    this.queue.push({ pcm, ms, receivedAt: this.ports.clock.now(), arrivedAt });
    this.queuedMs += ms;
    while (this.queuedMs > this.tuning.maxBufferedMs && this.queue.length > 1) {
      const dropped = this.queue.shift()!;
      this.queuedMs -= dropped.ms;
      this.counters.droppedFrames += 1;
      this.counters.droppedMs += dropped.ms;
      if (this.counters.droppedFrames === 1 || this.counters.droppedFrames % 100 === 0) {
        this.ports.logger.warn({ sessionId: this.sessionId, ...this.counters }, 'realtime: audio buffer full, oldest frames dropped');
      }
    }
    if (!this.draining) void this.drain();
  }

  /** The client's report of how much of an AI turn it has played. */
  playback(turnId: string, playedMs: number): void {
    if (this.closed) return;
    this.playbackReports.set(turnId, playedMs);
    this.reportWaiters.get(turnId)?.();
    const generation = this.generation;
    if (generation?.aiTurnId === turnId && generation.done && playedMs >= generation.audioMs) this.finishAiTurn(generation);
  }

  /** An explicit barge-in (the client's interrupt button). */
  interrupt(): boolean {
    if (this.closed || (this.state !== 'COMMITTED' && this.state !== 'SPEAKING')) return false;
    this.cutAiTurn('interrupt');
    return true;
  }

  updateSettings(patch: RealtimeSettingsPatch): RealtimeSettings {
    this.settings = { ...this.settings, ...patch };
    if (patch.bargeIn === false && this.segment?.probe && (this.state === 'COMMITTED' || this.state === 'SPEAKING')) {
      this.dropSegment();
    }
    if (patch.debounceMs !== undefined || patch.commitMs !== undefined) this.rearmSilence();
    return this.currentSettings;
  }

  /**
   * Stops all work at once: the generation is aborted, recognition cancelled, timers cleared. An AI turn the trainee
   * was hearing is stored as cut at that point. Resolves when pending records are stored.
   */
  async close(): Promise<void> {
    if (this.closed) return this.storeChain;
    // Audio the trainee already heard is part of the conversation: store it as cut here.
    if (this.generation?.chunks) this.cutAiTurn('interrupt');
    else if (this.generation) {
      // Nothing of it was heard: no AI turn, but the generation (and its cost) is still recorded.
      const outcome: GenerationOutcome = this.state === 'SPECULATIVE' ? 'speculative_canceled' : this.generation.done ? 'completed' : 'interrupted';
      this.orphanGenerations.push(this.endGeneration(this.generation, outcome));
      this.generation = null;
    }
    this.closed = true;
    this.generation?.controller.abort();
    const unattached = this.orphanGenerations.splice(0);
    if (unattached.length) {
      // No AI turn follows any more to carry them: every generation is recorded (SPEC §7.3).
      this.storeChain = this.storeChain
        .then(() => this.ports.store.generations(unattached))
        .catch((error: unknown) => this.ports.logger.error({ sessionId: this.sessionId, error }, 'realtime: storing generations failed'));
    }
    this.segment?.stream.cancel();
    for (const segment of this.utterance?.segments ?? []) if (segment.text === null) segment.stream.cancel();
    for (const timer of this.timers) this.ports.clock.clearTimeout(timer);
    this.timers.clear();
    for (const release of [...this.reportWaiters.values()]) release();
    this.queue.length = 0;
    return this.storeChain;
  }

  // ---- frames and voice

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length && !this.closed) {
        const frame = this.queue.shift()!;
        this.queuedMs -= frame.ms;
        try {
          const pending = this.processFrame(frame);
          if (isPromise(pending)) await pending;
          if (frame.arrivedAt !== undefined) this.ports.frameHandled?.(performance.timeOrigin + performance.now() - frame.arrivedAt);
        } catch (error) {
          // One bad frame or a failing recognizer write must not stop the conversation.
          this.ports.logger.error({ sessionId: this.sessionId, error }, 'realtime: frame processing failed');
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private processFrame(queued: QueuedFrame): void | Promise<void> {
    const frame: VoiceFrame = { ...queued, voiced: this.ports.vad(queued.pcm).voiced };
    const change = this.voice.push(frame);
    let written: void | Promise<void> = undefined;
    if (change?.type === 'start') written = this.onSpeechStart(change.startedAt, change.preroll);
    else if (change?.type === 'end') this.onSpeechEnd(change.endedAt);
    else if (change && this.segment) {
      const segment = this.segment;
      written = segment.stream.write(frame.pcm);
      this.afterSpeechFrame(segment);
    }
    this.keepAudio(frame);
    return written;
  }

  /** Trainee audio for replay: the utterance's from its first voiced frame, or a probe's until it is adopted. */
  private keepAudio(frame: VoiceFrame): void {
    const utterance = this.utterance;
    if (utterance && (this.state === 'LISTENING' || this.state === 'SPECULATIVE')) {
      utterance.audio.push(frame.pcm);
      if (frame.voiced && this.segment && !this.segment.probe) utterance.audioKept = utterance.audio.length;
    } else if (this.segment?.probe) {
      this.segment.audio.push(frame.pcm);
    }
  }

  private onSpeechStart(startedAt: number, preroll: VoiceFrame[]): void | Promise<void> {
    this.ports.emit('speech', { sessionId: this.sessionId, speaking: true, at: iso(startedAt) });
    this.ports.activity?.({ speaker: 'trainee', speaking: true, at: startedAt });
    switch (this.state) {
      case 'IDLE':
        this.utterance = this.newUtterance(startedAt);
        this.go('LISTENING', 'speech', this.utterance.id);
        this.segment = this.openSegment(false, startedAt);
        // The frames that confirmed the voice arrived before there was an utterance to keep them.
        this.utterance.audio.push(...preroll.slice(0, -1).map((frame) => frame.pcm));
        break;
      case 'LISTENING':
        this.clearSilence();
        this.segment = this.openSegment(false, startedAt);
        break;
      case 'SPECULATIVE':
        this.segment = this.openSegment(true, startedAt);
        break;
      default:
        if (!this.settings.bargeIn) return;
        this.segment = this.openSegment(true, startedAt);
        this.segment.audio.push(...preroll.slice(0, -1).map((frame) => frame.pcm));
    }
    const segment = this.segment;
    const written = this.writeAll(
      segment.stream,
      preroll.map((frame) => frame.pcm),
    );
    this.afterSpeechFrame(segment);
    return written;
  }

  private onSpeechEnd(endedAt: number): void {
    this.ports.emit('speech', { sessionId: this.sessionId, speaking: false, at: iso(endedAt) });
    this.ports.activity?.({ speaker: 'trainee', speaking: false, at: endedAt });
    const segment = this.segment;
    if (!segment) return;
    this.segment = null;
    if (segment.probe) {
      segment.stream.cancel();
      if (this.commitDue) {
        this.commitDue = false;
        this.onCommit(this.silenceToken);
      }
      return;
    }
    const utterance = this.utterance!;
    utterance.voicedMs += this.voice.voicedMs;
    utterance.speechEnd = endedAt;
    if (utterance.voicedMs < this.tuning.minUtteranceMs && utterance.segments.length === 1) {
      // Too short to hold words (a click, a cough, a syllable before a pause): not recognised, but its audio stays
      // with the utterance; if no speech follows before the debounce, the utterance was a blip.
      segment.stream.cancel();
      utterance.segments.pop();
      this.armSilence();
      return;
    }
    segment.final = segment.stream.finish();
    segment.final.then(
      (text) => this.onFinal(utterance, segment, text, endedAt),
      (error) => {
        this.ports.logger.warn({ sessionId: this.sessionId, turnId: utterance.id, error }, 'realtime: final transcript failed');
        this.onFinal(utterance, segment, '', endedAt);
      },
    );
    this.armSilence();
  }

  /** Voice that only probes (during SPECULATIVE, or while the AI talks) acts once it is long or explicit enough. */
  private afterSpeechFrame(segment: Segment): void {
    if (!segment.probe) {
      this.emitPartial();
      return;
    }
    if (this.state === 'SPECULATIVE') {
      if (this.voice.voicedMs >= this.tuning.speculativeCancelMs) this.cancelSpeculation('speculative_cancel');
      else if (hasCorrectionMarker(segment.stream.partial())) this.cancelSpeculation('correction');
    } else if ((this.state === 'COMMITTED' || this.state === 'SPEAKING') && this.voice.voicedMs >= this.tuning.bargeInMs) {
      this.cutAiTurn('barge_in');
    }
  }

  private newUtterance(startedAt: number): Utterance {
    return {
      id: this.ports.newId(),
      startedAt,
      segments: [],
      audio: [],
      audioKept: 0,
      voicedMs: 0,
      speechEnd: null,
      transcriptMs: null,
      lastEmitted: '',
    };
  }

  private openSegment(probe: boolean, startedAt: number): Segment {
    const segment: Segment = { stream: this.ports.recognizer.open(), probe, startedAt, text: null, final: null, audio: [] };
    if (!probe) this.utterance!.segments.push(segment);
    return segment;
  }

  /** A probe becomes part of the current utterance: its words and audio count from now on. */
  private adoptSegment(segment: Segment): void {
    const utterance = this.utterance!;
    segment.probe = false;
    utterance.segments.push(segment);
    utterance.audio.push(...segment.audio);
    utterance.audioKept = utterance.audio.length;
    utterance.speechEnd = null;
    segment.audio = [];
    this.emitPartial();
  }

  private dropSegment(): void {
    this.segment?.stream.cancel();
    this.segment = null;
  }

  private writeAll(stream: RecognizerStream, frames: Int16Array[]): void | Promise<void> {
    let pending: void | Promise<void> = undefined;
    for (const pcm of frames) pending = isPromise(pending) ? pending.then(() => stream.write(pcm)) : stream.write(pcm);
    return pending;
  }

  private emitPartial(): void {
    const utterance = this.utterance;
    if (!utterance) return;
    const text = joinText(utterance.segments.map((segment) => (segment === this.segment ? segment.stream.partial() : segment.text)));
    if (text === utterance.lastEmitted) return;
    utterance.lastEmitted = text;
    this.ports.emit('rt_transcript', { sessionId: this.sessionId, turnId: utterance.id, text, final: false });
  }

  private onFinal(utterance: Utterance, segment: Segment, text: string, speechEnd: number): void {
    segment.text = text;
    if (this.closed || utterance !== this.utterance || utterance.segments.some((s) => s.text === null)) return;
    utterance.transcriptMs = Math.max(0, this.ports.clock.now() - speechEnd);
    const full = joinText(utterance.segments.map((s) => s.text));
    utterance.lastEmitted = full;
    this.ports.emit('rt_transcript', { sessionId: this.sessionId, turnId: utterance.id, text: full, final: true });
  }

  // ---- silence: debounce, speculation, commit

  private armSilence(): void {
    this.clearSilence();
    const utterance = this.utterance;
    const speechEnd = utterance?.speechEnd ?? this.ports.clock.now();
    const token = this.silenceToken;
    if (this.state === 'LISTENING') {
      this.silenceTimer = this.after(speechEnd + this.settings.debounceMs - this.ports.clock.now(), () => void this.onDebounce(token));
    } else if (this.state === 'SPECULATIVE') {
      const commitAt = speechEnd + this.settings.debounceMs + this.settings.commitMs;
      this.silenceTimer = this.after(commitAt - this.ports.clock.now(), () => this.onCommit(token));
    }
  }

  private clearSilence(): void {
    if (this.silenceTimer !== null) this.cancelTimer(this.silenceTimer);
    this.silenceTimer = null;
    this.silenceToken = {};
    this.commitDue = false;
  }

  private rearmSilence(): void {
    if (this.silenceTimer !== null && !this.segment) this.armSilence();
  }

  private async onDebounce(token: object): Promise<void> {
    const utterance = this.utterance;
    const current = () => !this.closed && token === this.silenceToken && this.state === 'LISTENING' && !this.segment;
    if (!current()) return;
    const finals = utterance?.segments.map((segment) => segment.final ?? Promise.resolve('')) ?? [];
    await Promise.allSettled(finals);
    if (!current()) return;
    const text = utterance ? joinText(utterance.segments.map((segment) => segment.text)) : '';
    if (!utterance || !text) {
      this.utterance = null;
      this.go('IDLE', 'blip', utterance?.id);
      return;
    }
    const generation = this.newGeneration('reply', utterance, [...this.history, { speaker: 'trainee', text }]);
    this.go('SPECULATIVE', 'silence', utterance.id);
    this.run(generation);
    this.armSilence();
  }

  private onCommit(token: object): void {
    const generation = this.generation;
    const utterance = this.utterance;
    if (this.closed || token !== this.silenceToken || this.state !== 'SPECULATIVE' || !generation || !utterance) return;
    this.silenceTimer = null;
    // Voice is not silence: it either cancels the speculation or ends as nothing, and the commit waits for that.
    if (this.segment?.probe) {
      this.commitDue = true;
      return;
    }
    this.go('COMMITTED', 'commit', generation.aiTurnId);
    this.storeUtterance(utterance);
    this.utterance = null;
    this.release(generation);
  }

  private cancelSpeculation(reason: 'speculative_cancel' | 'correction'): void {
    const generation = this.generation!;
    this.clearSilence();
    this.orphanGenerations.push(
      this.endGeneration(generation, 'speculative_canceled', reason === 'correction' ? 'correction' : 'speech'),
    );
    this.generation = null;
    this.adoptSegment(this.segment!);
    this.go('LISTENING', reason, this.utterance!.id);
  }

  // ---- generation

  private newGeneration(kind: GenerationKind, answers: Utterance | null, history: HistoryEntry[]): Generation {
    const generation: Generation = {
      id: this.ports.newId(),
      aiTurnId: this.ports.newId(),
      kind,
      controller: new AbortController(),
      answers,
      history,
      startedAt: this.ports.clock.now(),
      firstTokenAt: null,
      firstAudioAt: null,
      ttsFirstByteMs: null,
      text: '',
      deltas: 0,
      tokens: null,
      held: [],
      finished: false,
      released: false,
      committedAt: 0,
      done: false,
      chunks: 0,
      sampleRate: RT_SAMPLE_RATE,
      audio: [],
      audioMs: 0,
      spoken: [],
      firstChunkSentAt: null,
      playbackTimer: null,
    };
    this.generation = generation;
    return generation;
  }

  private run(generation: Generation): void {
    const { signal } = generation.controller;
    const stream = this.ports.generator.start({
      generationId: generation.id,
      kind: generation.kind,
      history: generation.history,
      settings: this.currentSettings,
      signal,
    });
    void (async () => {
      try {
        for await (const event of stream) {
          if (signal.aborted) return;
          this.onGeneratorEvent(generation, event);
        }
        if (!signal.aborted && !generation.finished) this.onGeneratorEvent(generation, { type: 'done', tokens: generation.deltas });
      } catch (error) {
        if (!signal.aborted) this.onGenerationFailed(generation, error);
      }
    })();
  }

  private onGeneratorEvent(generation: Generation, event: GeneratorEvent): void {
    const now = this.ports.clock.now();
    if (event.type === 'delta') {
      generation.firstTokenAt ??= now;
      generation.deltas += 1;
    } else if (event.type === 'audio') {
      generation.firstAudioAt ??= now;
    } else {
      generation.finished = true;
      generation.tokens = event.tokens;
      generation.ttsFirstByteMs = event.ttsFirstByteMs ?? null;
    }
    if (generation.released) this.deliver(generation, event);
    else generation.held.push(event);
  }

  /** Output reaches the trainee only from COMMITTED on; what was generated speculatively goes out at once then. */
  private release(generation: Generation): void {
    generation.released = true;
    generation.committedAt = this.ports.clock.now();
    for (const event of generation.held.splice(0)) {
      if (this.generation !== generation) return;
      this.deliver(generation, event);
    }
  }

  private deliver(generation: Generation, event: GeneratorEvent): void {
    const turnId = generation.aiTurnId;
    if (event.type === 'delta') {
      generation.text += event.text;
      this.ports.emit('ai_text', { sessionId: this.sessionId, turnId, delta: event.text });
      return;
    }
    if (event.type === 'audio') {
      const ms = (event.pcm.length / event.sampleRate) * 1000;
      generation.sampleRate = event.sampleRate;
      generation.audio.push(event.pcm);
      generation.audioMs += ms;
      if (event.text !== undefined || generation.spoken.length === 0) generation.spoken.push({ text: event.text ?? '', ms });
      else generation.spoken[generation.spoken.length - 1].ms += ms;
      this.sendChunk(generation, event.pcm, false);
      return;
    }
    generation.done = true;
    // The last chunk is known only when the generator is done: an empty chunk carries `final`.
    this.sendChunk(generation, new Int16Array(0), true);
    this.schedulePlaybackEnd(generation);
  }

  private sendChunk(generation: Generation, pcm: Int16Array, final: boolean): void {
    if (generation.chunks === 0) {
      generation.firstChunkSentAt = this.ports.clock.now();
      this.go('SPEAKING', 'first_audio', generation.aiTurnId);
      this.ports.activity?.({ speaker: 'ai', speaking: true, at: generation.firstChunkSentAt });
    }
    this.ports.emit('ai_audio_chunk', {
      sessionId: this.sessionId,
      turnId: generation.aiTurnId,
      index: generation.chunks,
      // PCM16 little-endian on the wire: the byte view of the samples (every supported platform is little-endian).
      pcm: new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength),
      sampleRate: generation.sampleRate,
      final,
    });
    generation.chunks += 1;
  }

  /** The turn is over when the client has played it all: its report, or the audio time since the first chunk. */
  private schedulePlaybackEnd(generation: Generation): void {
    const reported = this.playbackReports.get(generation.aiTurnId);
    if (reported !== undefined && reported >= generation.audioMs) return this.finishAiTurn(generation);
    const endsAt = generation.firstChunkSentAt! + generation.audioMs + this.tuning.playbackMarginMs;
    generation.playbackTimer = this.after(endsAt - this.ports.clock.now(), () => this.finishAiTurn(generation));
  }

  private finishAiTurn(generation: Generation): void {
    if (this.generation !== generation || this.state !== 'SPEAKING') return;
    if (generation.playbackTimer !== null) this.cancelTimer(generation.playbackTimer);
    this.generation = null;
    const now = this.ports.clock.now();
    this.go('IDLE', 'playback_done', generation.aiTurnId);
    this.ports.activity?.({ speaker: 'ai', speaking: false, at: now });
    const record = this.endGeneration(generation, 'completed');
    this.storeAiTurn(generation, record, false, Promise.resolve());
  }

  /**
   * Barge-in, explicit interrupt, or a failure mid-turn: the AI stops at once, the client is told what was heard,
   * and the conversation listens. The stored turn keeps what was heard, by the client's report when it comes.
   */
  private cutAiTurn(reason: 'barge_in' | 'interrupt' | 'failed'): void {
    const generation = this.generation!;
    const now = this.ports.clock.now();
    if (generation.playbackTimer !== null) this.cancelTimer(generation.playbackTimer);
    generation.controller.abort();
    this.generation = null;
    const estimate = generation.firstChunkSentAt === null ? 0 : Math.min(now - generation.firstChunkSentAt, generation.audioMs);
    this.ports.emit('interrupted', {
      sessionId: this.sessionId,
      turnId: generation.aiTurnId,
      heardMs: Math.round(estimate),
      heardText: this.heardTextOf(generation, estimate),
    });
    if (generation.chunks > 0) this.ports.activity?.({ speaker: 'ai', speaking: false, at: now });

    const probe = this.segment?.probe ? this.segment : null;
    this.utterance = this.newUtterance(probe?.startedAt ?? now);
    this.go('LISTENING', reason, this.utterance.id);
    if (probe) this.adoptSegment(probe);
    else this.armSilence();

    const outcome: GenerationOutcome = reason === 'failed' ? 'failed' : generation.done ? 'completed' : 'interrupted';
    const record = this.endGeneration(generation, outcome);
    if (generation.chunks === 0) {
      // Nothing was heard: no AI turn; the generation is kept with the next one.
      this.orphanGenerations.push(record);
      return;
    }
    this.counters.interruptions += 1;
    this.storeAiTurn(generation, record, true, this.waitForPlaybackReport(generation.aiTurnId), estimate);
  }

  private onGenerationFailed(generation: Generation, error: unknown): void {
    if (this.closed || this.generation !== generation) return;
    this.ports.logger.error({ sessionId: this.sessionId, generationId: generation.id, error }, 'realtime: generation failed');
    if (this.state === 'SPECULATIVE') {
      this.clearSilence();
      this.generation = null;
      this.orphanGenerations.push(this.endGeneration(generation, 'failed'));
      this.go('LISTENING', 'failed', this.utterance?.id);
    } else {
      this.cutAiTurn('failed');
    }
    this.ports.providerError?.(error);
  }

  private endGeneration(
    generation: Generation,
    outcome: GenerationOutcome,
    cancelReason?: GenerationRecord['cancelReason'],
  ): GenerationRecord {
    generation.controller.abort();
    const tokens = generation.tokens ?? generation.deltas;
    this.counters.generations += 1;
    this.window.generations += 1;
    if (outcome === 'speculative_canceled') {
      this.counters.cancellations += 1;
      this.window.cancellations += 1;
      this.counters.tokensWasted += tokens;
    }
    const record: GenerationRecord = {
      id: generation.id,
      outcome,
      tokens,
      startedAt: iso(generation.startedAt),
      firstTokenAt: generation.firstTokenAt === null ? null : iso(generation.firstTokenAt),
      endedAt: iso(this.ports.clock.now()),
      ...(cancelReason ? { cancelReason } : {}),
    };
    return record;
  }

  private heardTextOf(generation: Generation, heardMs: number): string {
    const spoken = generation.spoken.some((segment) => segment.text)
      ? generation.spoken
      : [{ text: generation.text, ms: generation.audioMs }];
    return heardText(spoken, heardMs);
  }

  private waitForPlaybackReport(turnId: string): Promise<void> {
    if (this.playbackReports.has(turnId)) return Promise.resolve();
    return new Promise((resolve) => {
      const settle = () => {
        this.reportWaiters.delete(turnId);
        this.cancelTimer(timer);
        resolve();
      };
      const timer = this.after(this.tuning.playbackReportWaitMs, settle);
      this.reportWaiters.set(turnId, settle);
    });
  }

  // ---- records

  private storeUtterance(utterance: Utterance): void {
    const text = joinText(utterance.segments.map((segment) => segment.text));
    const record = {
      turnId: utterance.id,
      sequence: this.nextSequence++,
      text,
      startedAt: iso(utterance.startedAt),
      endedAt: iso(utterance.speechEnd ?? this.ports.clock.now()),
      audio: { pcm: concat(utterance.audio.slice(0, utterance.audioKept)), sampleRate: RT_SAMPLE_RATE },
      transitions: this.transitions.splice(0),
      latency: utterance.transcriptMs === null ? {} : { transcriptMs: utterance.transcriptMs },
    };
    this.history.push({ speaker: 'trainee', text });
    this.persist(() => this.ports.store.traineeUtterance(record));
  }

  /** Sequence, history and transitions are taken now; the record is written once `heard` settles. */
  private storeAiTurn(
    generation: Generation,
    record: GenerationRecord,
    interrupted: boolean,
    heard: Promise<void>,
    estimateMs = generation.audioMs,
  ): void {
    const sequence = this.nextSequence++;
    const transitions = this.transitions.splice(0);
    const generations = [...this.orphanGenerations.splice(0), record];
    const endedAt = iso(this.ports.clock.now());
    const latency = this.latencyOf(generation);
    const generatedText = generation.text || joinText(generation.spoken.map((segment) => segment.text));
    const historyEntry: HistoryEntry = { speaker: 'ai', text: interrupted ? this.heardTextOf(generation, estimateMs) : generatedText };
    this.history.push(historyEntry);
    this.afterAiTurn(generation.aiTurnId, latency);

    this.persist(async () => {
      await heard;
      const reported = this.playbackReports.get(generation.aiTurnId);
      this.playbackReports.delete(generation.aiTurnId);
      const heardMs = interrupted ? Math.min(reported ?? estimateMs, generation.audioMs) : generation.audioMs;
      const text = interrupted ? this.heardTextOf(generation, heardMs) : generatedText;
      historyEntry.text = text;
      const samples = Math.round((heardMs / 1000) * generation.sampleRate);
      const turn: AiTurnRecord = {
        turnId: generation.aiTurnId,
        sequence,
        kind: generation.kind,
        text,
        generatedText,
        interrupted,
        heardMs: interrupted ? Math.round(heardMs) : null,
        audio: generation.audio.length ? { pcm: concat(generation.audio).slice(0, samples), sampleRate: generation.sampleRate } : null,
        durationMs: Math.round(heardMs),
        startedAt: iso(generation.committedAt),
        endedAt,
        transitions,
        latency: toBreakdown(latency),
        generations,
      };
      return this.ports.store.aiTurn(turn);
    });
  }

  private persist(write: () => Promise<TurnView>): void {
    this.storeChain = this.storeChain.then(async () => {
      try {
        const turn = await write();
        this.ports.emit('turn_stored', { sessionId: this.sessionId, turn });
      } catch (error) {
        this.ports.logger.error({ sessionId: this.sessionId, error }, 'realtime: storing a turn failed');
      }
    });
  }

  private latencyOf(generation: Generation): Omit<LatencyEvent, 'sessionId' | 'turnId'> {
    const { answers, startedAt, firstTokenAt, firstAudioAt, firstChunkSentAt } = generation;
    return {
      transcriptMs: answers?.transcriptMs ?? null,
      llmFirstTokenMs: firstTokenAt === null ? null : firstTokenAt - startedAt,
      ttsFirstByteMs:
        generation.ttsFirstByteMs ?? (firstAudioAt === null || firstTokenAt === null ? null : Math.max(0, firstAudioAt - firstTokenAt)),
      speechEndToFirstAudioMs:
        answers?.speechEnd == null || firstChunkSentAt === null ? null : firstChunkSentAt - answers.speechEnd,
    };
  }

  /** Latency after every AI turn, telemetry every 5, debounce adaptation every 10. */
  private afterAiTurn(turnId: string, latency: Omit<LatencyEvent, 'sessionId' | 'turnId'>): void {
    const counters = this.counters;
    counters.aiTurns += 1;
    if (latency.speechEndToFirstAudioMs !== null) {
      counters.firstAudioSum += latency.speechEndToFirstAudioMs;
      counters.firstAudioN += 1;
    }
    this.ports.emit('latency', { sessionId: this.sessionId, turnId, ...latency });
    if (counters.aiTurns % ADAPT_EVERY_AI_TURNS === 0) this.adaptDebounce();
    if (counters.aiTurns % TELEMETRY_EVERY_AI_TURNS === 0) {
      this.ports.emit('telemetry', {
        sessionId: this.sessionId,
        turns: counters.aiTurns,
        cancellations: counters.cancellations,
        cancellationRate: counters.generations ? counters.cancellations / counters.generations : 0,
        tokensWasted: counters.tokensWasted,
        debounceMs: this.settings.debounceMs,
        avgSpeechEndToFirstAudioMs: counters.firstAudioN ? Math.round(counters.firstAudioSum / counters.firstAudioN) : null,
      });
    }
  }

  private adaptDebounce(): void {
    const { generations, cancellations } = this.window;
    this.window = { generations: 0, cancellations: 0 };
    if (!this.settings.adaptive || generations === 0) return;
    const rate = cancellations / generations;
    const before = this.settings.debounceMs;
    if (rate > 0.3) this.settings.debounceMs = Math.min(RT_DEBOUNCE_MAX_MS, before + 100);
    else if (rate < 0.15) this.settings.debounceMs = Math.max(RT_DEBOUNCE_MIN_MS, before - 50);
    if (this.settings.debounceMs !== before) {
      this.ports.logger.debug({ sessionId: this.sessionId, rate, before, after: this.settings.debounceMs }, 'realtime: debounce adapted');
    }
  }

  // ---- plumbing

  private go(to: TurnState, reason: TransitionReason, turnId: string | undefined): boolean {
    this.transitionTurnId = turnId;
    return this.turnTaking.transition(to, reason);
  }

  private after(ms: number, callback: () => void): TimerHandle {
    const handle = this.ports.clock.setTimeout(() => {
      this.timers.delete(handle);
      if (!this.closed) callback();
    }, Math.max(0, ms));
    this.timers.add(handle);
    return handle;
  }

  private cancelTimer(handle: TimerHandle): void {
    this.ports.clock.clearTimeout(handle);
    this.timers.delete(handle);
  }
}

const isPromise = (value: unknown): value is Promise<void> =>
  typeof (value as { then?: unknown } | undefined)?.then === 'function';

function toBreakdown(latency: Omit<LatencyEvent, 'sessionId' | 'turnId'>): LatencyBreakdown {
  const breakdown: LatencyBreakdown = {};
  if (latency.transcriptMs !== null) breakdown.transcriptMs = latency.transcriptMs;
  if (latency.llmFirstTokenMs !== null) breakdown.llmFirstTokenMs = latency.llmFirstTokenMs;
  if (latency.ttsFirstByteMs !== null) breakdown.ttsFirstByteMs = latency.ttsFirstByteMs;
  if (latency.speechEndToFirstAudioMs !== null) breakdown.speechEndToAudioMs = latency.speechEndToFirstAudioMs;
  return breakdown;
}
