import type { ScenarioContent, Speaker } from '@parley/contracts';

/** One line of the conversation so far, oldest first; the AI's opening is the first `ai` line. */
export interface ConversationLine {
  speaker: Speaker;
  text: string;
}

export type ScriptOutcome = 'objective_met' | 'objective_failed';

/** Text of a reply as it streams in. */
export interface ReplyDelta {
  text: string;
  /**
   * The attempt that produced it. When it changes, an earlier attempt failed part-way and the reply restarts:
   * drop the text received from earlier attempts.
   */
  attempt: number;
}

export interface RoleplayRequest {
  scenario: ScenarioContent;
  history: readonly ConversationLine[];
  signal?: AbortSignal;
  onDelta?: (delta: ReplyDelta) => void;
  /**
   * Whether a failed attempt may start the reply over after deltas were delivered (default true). False once the
   * deltas reach a reader who cannot take them back: such a failure is final.
   */
  restartable?: boolean;
}

export type OpeningRequest = Omit<RoleplayRequest, 'history'>;

export interface RoleplayReply {
  text: string;
  /** The model that replied, or `offline-script`. */
  model: string;
  /** Whether the reply came from the scenario's branching script rather than a model. */
  offline: boolean;
  /** Request → first token, retries included; the whole reply for non-streaming sources. */
  firstTokenMs: number;
  /** Set by the script roleplayer when the reply is the line of a node that decides the objectives. */
  outcome?: ScriptOutcome;
}

/** Plays the persona of a scenario. */
export interface Roleplayer {
  readonly offline: boolean;
  /** Turn 0: the persona speaks first. */
  opening(request: OpeningRequest): Promise<RoleplayReply>;
  /** The persona's answer to the conversation so far (normally ending with a trainee line). */
  reply(request: RoleplayRequest): Promise<RoleplayReply>;
}

export type ObjectiveOutcome = ScriptOutcome | 'continue';

export interface ObjectiveCheckRequest {
  scenario: ScenarioContent;
  history: readonly ConversationLine[];
  signal?: AbortSignal;
}

export interface ObjectiveCheckResult {
  outcome: ObjectiveOutcome;
  rationale: string;
  model: string;
  offline: boolean;
}

/** Decides after each trainee turn whether the scenario's objectives are met, failed, or still open. */
export interface ObjectiveChecker {
  readonly offline: boolean;
  check(request: ObjectiveCheckRequest): Promise<ObjectiveCheckResult>;
}

export interface SynthesisResult {
  /** Mono MP3, always: clients play it as is. */
  mp3: Buffer;
  sampleRate: number;
  durationMs: number;
  /** Request → first audio byte. */
  firstByteMs: number;
  /** The voice actually used, after mapping unknown names to the provider's default. */
  voice: string;
}

/** Speech as raw samples, for live playback (realtime voice): nothing is encoded. */
export interface PcmSynthesisResult {
  /** Mono PCM16 at `sampleRate` (16 kHz from Flite, the provider's own rate, 16 or 24 kHz, otherwise). */
  pcm: Int16Array;
  sampleRate: number;
  /** Request → first audio byte. */
  firstByteMs: number;
  /** The voice actually used, after mapping unknown names to the provider's default. */
  voice: string;
}

export interface SpeechSynthesizer {
  /** A short name for logs and metrics: `flite`, `openai`. */
  readonly name: string;
  synthesize(text: string, voice?: string, options?: { signal?: AbortSignal }): Promise<SynthesisResult>;
  /** The same speech as mono PCM16 without MP3 encoding (live playback); optional for other implementations. */
  synthesizePcm?(text: string, voice?: string, options?: { signal?: AbortSignal }): Promise<PcmSynthesisResult>;
}

export interface TranscribeOptions {
  /** BCP 47 tag of the scenario's language, e.g. en-US. */
  language?: string;
  signal?: AbortSignal;
}

export interface Transcription {
  text: string;
  model: string;
}

export interface Transcriber {
  readonly name: string;
  /** Throws InvalidAudioError (from @parley/audio) for audio that is not usable MP3. */
  transcribe(mp3: Buffer, options?: TranscribeOptions): Promise<Transcription>;
}
