import type {
  GenerationRecord,
  LatencyBreakdown,
  RealtimeSettings,
  RtServerEventName,
  RtServerPayloads,
  Speaker,
  StateTransition,
  TurnView,
} from '@parley/contracts';

/**
 * What a {@link Conversation} needs from the outside world. The conversation itself does no I/O: the session
 * service wires these to fvad, the recognizer, the LLM + synthesis stream, socket.io, Postgres and real timers.
 */

/** Voice activity of one frame (fvad in production). */
export type VadPort = (frame: Int16Array) => { voiced: boolean };

/** One streaming recognition of a stretch of speech. */
export interface RecognizerStream {
  /** A returned promise is backpressure: frames queue (up to the audio cap) until it settles. */
  write(pcm: Int16Array): void | Promise<void>;
  /** The best transcript so far. */
  partial(): string;
  /** Ends the stream; resolves with the final transcript. */
  finish(): Promise<string>;
  /** Drops the stream and whatever it heard. */
  cancel(): void;
}

export interface RecognizerPort {
  open(): RecognizerStream;
}

export interface HistoryEntry {
  speaker: Speaker;
  text: string;
}

export type GenerationKind = 'reply' | 'opening' | 'reprompt';

export interface GenerationRequest {
  generationId: string;
  kind: GenerationKind;
  /** The conversation so far, the trainee's utterance being answered last (for a reply). */
  history: HistoryEntry[];
  settings: RealtimeSettings;
  /** Aborted when the generation is cancelled: the provider requests must really stop. */
  signal: AbortSignal;
}

export type GeneratorEvent =
  | { type: 'delta'; text: string }
  /** `text`: the words this audio starts to voice (a sentence); used to tell what an interrupted trainee heard. */
  | { type: 'audio'; pcm: Int16Array; sampleRate: number; text?: string }
  /** `ttsFirstByteMs`: synthesis request → first byte, when the generator measured it. */
  | { type: 'done'; tokens: number; ttsFirstByteMs?: number };

/** The AI's streaming reply: LLM text and synthesized voice. */
export interface GeneratorPort {
  start(request: GenerationRequest): AsyncIterable<GeneratorEvent>;
}

export type EmitPort = <E extends RtServerEventName>(event: E, payload: RtServerPayloads[E]) => void;

export interface AudioRecord {
  pcm: Int16Array;
  sampleRate: number;
}

export interface TraineeUtteranceRecord {
  turnId: string;
  sequence: number;
  text: string;
  /** ISO times: first voiced frame, end of the last voiced frame. */
  startedAt: string;
  endedAt: string;
  audio: AudioRecord;
  /** Transitions since the previous stored turn, up to this utterance's commit. */
  transitions: StateTransition[];
  latency: LatencyBreakdown;
}

export interface AiTurnRecord {
  turnId: string;
  sequence: number;
  kind: GenerationKind;
  /** What the trainee heard: everything, or the heard part of an interrupted turn. */
  text: string;
  /** Everything generated, heard or not. */
  generatedText: string;
  interrupted: boolean;
  /** For an interrupted turn: how much audio was heard (client report, else server estimate). */
  heardMs: number | null;
  /** Audio the trainee heard. */
  audio: AudioRecord | null;
  durationMs: number;
  /** ISO: turn commit, end of playback (or of the interruption). */
  startedAt: string;
  endedAt: string;
  transitions: StateTransition[];
  latency: LatencyBreakdown;
  /** This turn's generation plus cancelled ones before it. */
  generations: GenerationRecord[];
}

/** Durable records. Calls arrive in sequence order, one at a time. */
export interface StorePort {
  traineeUtterance(record: TraineeUtteranceRecord): Promise<TurnView>;
  aiTurn(record: AiTurnRecord): Promise<TurnView>;
  /** Generations no AI turn carries (cancelled or failed before the conversation closed). */
  generations(records: GenerationRecord[]): Promise<void>;
}

export type TimerHandle = unknown;

export interface ClockPort {
  /** Milliseconds since epoch. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface RealtimeLogger {
  debug(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}

/** Voice starts or stops on either side; the idle timeout counts from the last `speaking: false`. */
export interface ActivityEvent {
  speaker: Speaker;
  speaking: boolean;
  at: number;
}

export interface ConversationPorts {
  vad: VadPort;
  recognizer: RecognizerPort;
  generator: GeneratorPort;
  emit: EmitPort;
  store: StorePort;
  clock: ClockPort;
  logger: RealtimeLogger;
  newId: () => string;
  activity?: (event: ActivityEvent) => void;
  /** A frame went through voice detection and turn-taking, `sinceArrivalMs` after it reached the gateway. */
  frameHandled?: (sinceArrivalMs: number) => void;
  /** A generation failed (after the generator's own retries): the session decides whether to end. */
  providerError?: (error: unknown) => void;
}
