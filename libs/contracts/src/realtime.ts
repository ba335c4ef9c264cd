import { z } from 'zod';
import type { Ack } from './socket';
import type { LatencyBreakdown, Speaker, TurnView } from './session';

/**
 * The realtime wire protocol of SPEC §7.1 (socket.io namespace `/practice`, after `join`), typed for both sides.
 *
 * WARNING: every event name and field here is a contract with browsers already in the field. Renaming one breaks
 * them; add a new name and migrate instead.
 */

/** Trainee audio: 16 kHz mono PCM16 little-endian. */
export const RT_SAMPLE_RATE = 16_000;
const BYTES_PER_MS = (RT_SAMPLE_RATE * 2) / 1000;
/** A frame carries 10 to 100 ms of audio (20 ms is usual). */
export const RT_FRAME_MIN_BYTES = 10 * BYTES_PER_MS;
export const RT_FRAME_MAX_BYTES = 100 * BYTES_PER_MS;
export const RT_SYSTEM_PROMPT_MAX_CHARS = 4000;

export const RtClientEvents = {
  Start: 'rt_start',
  AudioFrame: 'audio_frame',
  Playback: 'playback',
  Interrupt: 'interrupt',
  UpdateSettings: 'update_settings',
  Stop: 'stop',
} as const;
export type RtClientEventName = (typeof RtClientEvents)[keyof typeof RtClientEvents];

export const RtServerEvents = {
  StateChange: 'state_change',
  Speech: 'speech',
  Transcript: 'rt_transcript',
  AiText: 'ai_text',
  AiAudioChunk: 'ai_audio_chunk',
  Interrupted: 'interrupted',
  TurnStored: 'turn_stored',
  Latency: 'latency',
  Telemetry: 'telemetry',
  Engine: 'engine',
} as const;
export type RtServerEventName = (typeof RtServerEvents)[keyof typeof RtServerEvents];

/** Turn-taking states of SPEC §7.2. */
export const TurnState = z.enum(['IDLE', 'LISTENING', 'SPECULATIVE', 'COMMITTED', 'SPEAKING']);
export type TurnState = z.infer<typeof TurnState>;

export const RealtimeEngine = z.enum(['cascade', 'speech_to_speech']);
export type RealtimeEngine = z.infer<typeof RealtimeEngine>;

export const GenerationOutcome = z.enum(['completed', 'speculative_canceled', 'interrupted', 'failed']);
export type GenerationOutcome = z.infer<typeof GenerationOutcome>;

export const RT_DEBOUNCE_MIN_MS = 400;
export const RT_DEBOUNCE_MAX_MS = 1200;

/** Fields without defaults: `update_settings` changes only what it names. */
const settingsFields = {
  /** Silence after speech before the LLM starts speculatively; adaptive moves it inside these bounds. */
  debounceMs: z.number().int().min(RT_DEBOUNCE_MIN_MS).max(RT_DEBOUNCE_MAX_MS),
  /** More silence after the debounce before the turn commits and output may reach the trainee. */
  commitMs: z.number().int().min(100).max(1000),
  adaptive: z.boolean(),
  bargeIn: z.boolean(),
  voice: z.string().trim().min(1).max(64),
  model: z.string().trim().min(1).max(128),
  /** Free practice only; the session service ignores it for scenario sessions. */
  systemPrompt: z.string().trim().min(1).max(RT_SYSTEM_PROMPT_MAX_CHARS),
};

export const RealtimeSettingsPatchSchema = z.object(settingsFields).partial().strict();
export type RealtimeSettingsPatch = z.infer<typeof RealtimeSettingsPatchSchema>;

export const RealtimeSettingsSchema = z.object({
  ...settingsFields,
  debounceMs: settingsFields.debounceMs.default(400),
  commitMs: settingsFields.commitMs.default(200),
  adaptive: settingsFields.adaptive.default(true),
  bargeIn: settingsFields.bargeIn.default(true),
  voice: settingsFields.voice.optional(),
  model: settingsFields.model.optional(),
  systemPrompt: settingsFields.systemPrompt.optional(),
});
export type RealtimeSettings = z.output<typeof RealtimeSettingsSchema>;

export const DEFAULT_REALTIME_SETTINGS: Readonly<RealtimeSettings> = Object.freeze(RealtimeSettingsSchema.parse({}));

const sessionId = z.string().min(1).max(64);

/** Binary as socket.io delivers it: a Buffer (a Uint8Array) in Node, an ArrayBuffer in the browser. */
const pcmFrame = z
  .union([z.instanceof(Uint8Array), z.instanceof(ArrayBuffer)])
  .transform((bytes) => (bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)))
  .refine((bytes) => bytes.byteLength >= RT_FRAME_MIN_BYTES && bytes.byteLength <= RT_FRAME_MAX_BYTES, {
    message: `pcm must hold 10 to 100 ms of 16 kHz PCM16 (${RT_FRAME_MIN_BYTES}..${RT_FRAME_MAX_BYTES} bytes)`,
  })
  .refine((bytes) => bytes.byteLength % 2 === 0, { message: 'pcm must hold whole 16-bit samples' });

export const RtStartSchema = z.object({
  sessionId,
  engine: RealtimeEngine.optional(),
  settings: RealtimeSettingsPatchSchema.optional(),
});
export const AudioFrameSchema = z.object({ sessionId, seq: z.number().int().min(0), pcm: pcmFrame });
export const PlaybackSchema = z.object({
  sessionId,
  turnId: z.string().min(1).max(64),
  playedMs: z.number().min(0).max(3_600_000),
});
export const InterruptSchema = z.object({ sessionId });
export const UpdateSettingsSchema = z.object({ sessionId, settings: RealtimeSettingsPatchSchema });
export const RtStopSchema = z.object({ sessionId });

/** Client → server payload schemas, keyed by event name; parse every payload on arrival. */
export const RtClientSchemas = {
  [RtClientEvents.Start]: RtStartSchema,
  [RtClientEvents.AudioFrame]: AudioFrameSchema,
  [RtClientEvents.Playback]: PlaybackSchema,
  [RtClientEvents.Interrupt]: InterruptSchema,
  [RtClientEvents.UpdateSettings]: UpdateSettingsSchema,
  [RtClientEvents.Stop]: RtStopSchema,
} as const;
/** What the client sends (input side: `pcm` may be an ArrayBuffer). */
export type RtClientPayload<E extends RtClientEventName> = z.input<(typeof RtClientSchemas)[E]>;
/** What the server works with after parsing (`pcm` is a Uint8Array). */
export type RtClientMessage<E extends RtClientEventName> = z.output<(typeof RtClientSchemas)[E]>;

export interface RtStartReply {
  engine: RealtimeEngine;
  settings: RealtimeSettings;
  state: TurnState;
}

/** Socket.io client → server map of realtime events (`stop` is the turn-mode event, see socket.ts). */
export interface RealtimeClientToServerEvents {
  rt_start: (request: RtClientPayload<'rt_start'>, ack: Ack<RtStartReply>) => void;
  audio_frame: (frame: RtClientPayload<'audio_frame'>) => void;
  playback: (report: RtClientPayload<'playback'>) => void;
  interrupt: (request: RtClientPayload<'interrupt'>) => void;
  update_settings: (request: RtClientPayload<'update_settings'>, ack: Ack<{ settings: RealtimeSettings }>) => void;
}

/** Why a transition happened; published with it and stored with the turn. */
export type TransitionReason =
  | 'speech'
  | 'silence'
  | 'commit'
  | 'first_audio'
  | 'playback_done'
  | 'speculative_cancel'
  | 'correction'
  | 'barge_in'
  | 'interrupt'
  | 'blip'
  | 'opening'
  | 'reprompt'
  | 'failed';

export interface StateTransition {
  from: TurnState;
  to: TurnState;
  /** ISO time. */
  at: string;
  reason?: TransitionReason;
}

export interface StateChangeEvent extends StateTransition {
  sessionId: string;
  /** The trainee utterance (LISTENING, SPECULATIVE) or AI turn (COMMITTED, SPEAKING) the transition concerns. */
  turnId?: string;
}

export interface SpeechEvent {
  sessionId: string;
  speaking: boolean;
  /** Voice start, or the end of the last voiced frame. */
  at: string;
}

export interface RtTranscriptEvent {
  sessionId: string;
  turnId: string;
  /** The whole utterance so far, not a delta. */
  text: string;
  final: boolean;
}

export interface AiTextEvent {
  sessionId: string;
  turnId: string;
  delta: string;
}

export interface AiAudioChunkEvent {
  sessionId: string;
  turnId: string;
  /** From 0 within the turn. The last chunk has `final: true` and may be empty. */
  index: number;
  /** PCM16 mono little-endian (a Buffer from the server, an ArrayBuffer in the browser). */
  pcm: Uint8Array | ArrayBuffer;
  sampleRate: number;
  final: boolean;
}

export interface InterruptedEvent {
  sessionId: string;
  turnId: string;
  heardMs: number;
  heardText: string;
}

export interface TurnStoredEvent {
  sessionId: string;
  turn: TurnView;
}

/** Server-measured latencies of one AI turn; null where the turn had no such step (the opening has no speech). */
export interface LatencyEvent {
  sessionId: string;
  turnId: string;
  transcriptMs: number | null;
  llmFirstTokenMs: number | null;
  ttsFirstByteMs: number | null;
  /** Speech end → the moment the first audio chunk was sent. */
  speechEndToFirstAudioMs: number | null;
}

export interface TelemetryEvent {
  sessionId: string;
  /** AI turns so far. */
  turns: number;
  cancellations: number;
  /** Speculative cancellations per generation, 0..1. */
  cancellationRate: number;
  tokensWasted: number;
  debounceMs: number;
  avgSpeechEndToFirstAudioMs: number | null;
}

export interface EngineEvent {
  sessionId: string;
  engine: RealtimeEngine;
  fallbackFrom?: RealtimeEngine;
  reason?: string;
}

/** Server → client payloads, keyed by event name. */
export interface RtServerPayloads {
  state_change: StateChangeEvent;
  speech: SpeechEvent;
  rt_transcript: RtTranscriptEvent;
  ai_text: AiTextEvent;
  ai_audio_chunk: AiAudioChunkEvent;
  interrupted: InterruptedEvent;
  turn_stored: TurnStoredEvent;
  latency: LatencyEvent;
  telemetry: TelemetryEvent;
  engine: EngineEvent;
}

/** Socket.io server → client map of realtime events. */
export type RealtimeServerToClientEvents = {
  [E in RtServerEventName]: (event: RtServerPayloads[E]) => void;
};

/** One LLM generation behind an AI turn (SPEC §7.3). Times are ISO. */
export interface GenerationRecord {
  id: string;
  outcome: GenerationOutcome;
  /** Tokens produced (the provider's count when it finished, else one per streamed delta). */
  tokens: number;
  startedAt: string;
  firstTokenAt: string | null;
  endedAt: string;
  /** Why a speculative generation was cancelled. */
  cancelReason?: 'speech' | 'correction';
}

/** `GET /api/sessions/{id}/latency-stats`: one metric over the session's AI turns. */
export interface MetricStats {
  n: number;
  avg: number | null;
  min: number | null;
  max: number | null;
  p95: number | null;
}

export const LATENCY_METRICS = ['transcriptMs', 'llmFirstTokenMs', 'ttsFirstByteMs', 'speechEndToFirstAudioMs'] as const;
export type LatencyMetric = (typeof LATENCY_METRICS)[number];

export type LatencyStats = Record<LatencyMetric, MetricStats> & {
  generations: number;
  cancellations: number;
  /** Speculative cancellations per generation, 0..1 (0 without generations). */
  cancellationRate: number;
  tokensWasted: number;
  interruptions: number;
};

/** The stored fields latency stats are computed from. */
export interface LatencyStatsTurn {
  speaker: Speaker;
  interrupted: boolean;
  latency: LatencyBreakdown | null;
}

/**
 * Core NATS subjects of a live conversation. Frames and control go from the gateway holding the trainee's socket to
 * the session replica that owns the conversation (it holds a lease in Redis); events go back to the gateways whose
 * sockets joined the session. Nothing here is durable: the owner stores turns through its outbox.
 *
 * WARNING: renaming a subject cuts conversations in flight; add a new one and migrate.
 */
export const RealtimeSubjects = {
  /** Binary {@link encodeRtFrame}: seq, the gateway's arrival time, then the PCM16 frame. */
  frames: (sessionId: string) => `rt.${sessionId}.frames`,
  /** Request/reply: {@link RtControl} → {@link RtControlReply}. */
  control: (sessionId: string) => `rt.${sessionId}.control`,
  /** JSON {@link RtRelayedEvent}s, audio as base64. */
  events: (sessionId: string) => `rt.${sessionId}.events`,
} as const;

/** A frame on `rt.<sessionId>.frames`: `seq` (uint32 LE), arrival at the gateway (float64 LE, ms since epoch), PCM16. */
const RT_FRAME_HEADER_BYTES = 12;

export interface RtWireFrame {
  seq: number;
  /** When the gateway received the frame from the socket: frame handling time is measured from here. */
  arrivedAt: number;
  pcm: Int16Array;
}

export function encodeRtFrame(seq: number, arrivedAt: number, pcm: Uint8Array): Uint8Array {
  const wire = new Uint8Array(RT_FRAME_HEADER_BYTES + pcm.byteLength);
  const view = new DataView(wire.buffer);
  view.setUint32(0, seq, true);
  view.setFloat64(4, arrivedAt, true);
  wire.set(pcm, RT_FRAME_HEADER_BYTES);
  return wire;
}

/** Null for a message too short or with an odd PCM length (the gateway refuses those; guarded anyway). */
export function decodeRtFrame(data: Uint8Array): RtWireFrame | null {
  if (data.length < RT_FRAME_HEADER_BYTES + 2 || (data.length - RT_FRAME_HEADER_BYTES) % 2 !== 0) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  // Copied: Int16Array needs 2-byte alignment, and the PCM outlives the transport's buffer.
  const pcm = new Int16Array((data.length - RT_FRAME_HEADER_BYTES) / 2);
  new Uint8Array(pcm.buffer).set(data.subarray(RT_FRAME_HEADER_BYTES));
  return { seq: view.getUint32(0, true), arrivedAt: view.getFloat64(4, true), pcm };
}

export type RtControl =
  | { type: 'status' }
  | { type: 'playback'; turnId: string; playedMs: number }
  | { type: 'interrupt' }
  | { type: 'update_settings'; settings: RealtimeSettingsPatch }
  /** The trainee's last socket left: stop all work now (the session ends unless they rejoin in time). */
  | { type: 'gone' };

export interface RtControlReply {
  engine: RealtimeEngine;
  settings: RealtimeSettings;
  state: TurnState;
}

/** A server event on its way from the owner to the gateways; `ai_audio_chunk.pcm` travels as base64. */
export interface RtRelayedEvent {
  event: RtServerEventName;
  payload: unknown;
}

/** The trainee comes back within this long after their last socket left, or the session ends (SPEC §7.2); the default of `RT_REJOIN_GRACE_MS`. */
export const RT_REJOIN_GRACE_MS = 30_000;
