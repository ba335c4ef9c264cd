/**
 * Gapless playback of the AI's streamed voice (`ai_audio_chunk`, SPEC §7.1) on the Web Audio clock: each chunk is
 * scheduled to start exactly where the previous one ends, so a turn plays as one continuous sound however its
 * chunks arrive. An interruption stops everything at once and says how much was actually heard.
 */
export interface PlaybackEvents {
  /** A turn's last chunk has finished playing; `playedMs` is all of it. */
  onTurnEnd(turnId: string, playedMs: number): void;
}

interface Segment {
  source: AudioBufferSourceNode;
  /** AudioContext time the segment starts and its length, in seconds. */
  start: number;
  duration: number;
}

interface TurnPlayback {
  segments: Segment[];
  pending: number;
  final: boolean;
  stopped: boolean;
  /** ms played when stopped. */
  stoppedAtMs: number | null;
  totalMs: number;
}

/** Converts PCM16 little-endian bytes to floats. */
export function pcm16ToFloat(bytes: ArrayBuffer | Uint8Array): Float32Array<ArrayBuffer> {
  const view = bytes instanceof Uint8Array ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new DataView(bytes);
  const samples = new Float32Array(Math.floor(view.byteLength / 2));
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true) / 0x8000;
  return samples;
}

/** Head start given to the first chunk of a turn (or one after a gap) so it is never scheduled in the past. */
const LEAD_SECONDS = 0.04;

export class PcmPlayer {
  private readonly context: AudioContext;
  private readonly output: GainNode;
  private readonly analyser: AnalyserNode;
  private readonly turns = new Map<string, TurnPlayback>();
  private readonly levelBuffer: Float32Array<ArrayBuffer>;
  /** When the last scheduled chunk ends (AudioContext time). */
  private nextStart = 0;
  private current: string | null = null;

  constructor(private readonly events: PlaybackEvents) {
    this.context = new AudioContext();
    this.output = this.context.createGain();
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 1024;
    this.levelBuffer = new Float32Array(this.analyser.fftSize);
    this.output.connect(this.analyser);
    this.analyser.connect(this.context.destination);
  }

  /** Call from a user gesture: browsers keep audio suspended until one. */
  resume(): Promise<void> {
    return this.context.state === 'suspended' ? this.context.resume() : Promise.resolve();
  }

  /** The turn playing (or scheduled) now, if any. */
  get playingTurn(): string | null {
    return this.current;
  }

  enqueue(turnId: string, pcm: ArrayBuffer | Uint8Array, sampleRate: number, final: boolean): void {
    let turn = this.turns.get(turnId);
    if (!turn) {
      turn = { segments: [], pending: 0, final: false, stopped: false, stoppedAtMs: null, totalMs: 0 };
      this.turns.set(turnId, turn);
      // Only the latest turns are worth remembering.
      if (this.turns.size > 20) this.turns.delete(this.turns.keys().next().value!);
    }
    if (turn.stopped) return; // chunks still in flight after an interruption
    this.current = turnId;
    const samples = pcm16ToFloat(pcm);
    if (samples.length) {
      const buffer = this.context.createBuffer(1, samples.length, sampleRate);
      buffer.copyToChannel(samples, 0);
      const source = this.context.createBufferSource();
      source.buffer = buffer;
      source.connect(this.output);
      const start = Math.max(this.nextStart, this.context.currentTime + LEAD_SECONDS);
      source.start(start);
      this.nextStart = start + buffer.duration;
      turn.segments.push({ source, start, duration: buffer.duration });
      turn.totalMs += (samples.length / sampleRate) * 1000;
      turn.pending++;
      const owner = turn;
      source.onended = () => {
        owner.pending--;
        this.settle(turnId, owner);
      };
    }
    if (final) {
      turn.final = true;
      this.settle(turnId, turn);
    }
  }

  /** ms of `turnId` heard so far (by the audio clock). */
  playedMs(turnId: string): number {
    const turn = this.turns.get(turnId);
    if (!turn) return 0;
    if (turn.stoppedAtMs !== null) return turn.stoppedAtMs;
    const now = this.context.currentTime;
    let seconds = 0;
    for (const s of turn.segments) seconds += Math.min(s.duration, Math.max(0, now - s.start));
    return seconds * 1000;
  }

  /** Stops `turnId` (default: whatever plays) at once; returns how much of it was heard, in ms. */
  stop(turnId: string | null = this.current): number {
    if (!turnId) return 0;
    let turn = this.turns.get(turnId);
    if (!turn) {
      // Interrupted before any audio arrived: remember it so late chunks stay silent.
      turn = { segments: [], pending: 0, final: true, stopped: false, stoppedAtMs: null, totalMs: 0 };
      this.turns.set(turnId, turn);
    }
    if (turn.stopped) return turn.stoppedAtMs ?? 0;
    const played = this.playedMs(turnId);
    turn.stopped = true;
    turn.stoppedAtMs = played;
    for (const s of turn.segments) {
      s.source.onended = null;
      try {
        s.source.stop();
      } catch {
        // never started
      }
      s.source.disconnect();
    }
    turn.pending = 0;
    if (this.current === turnId) {
      this.current = null;
      this.nextStart = 0;
    }
    return played;
  }

  /** Whether audio of `turnId` is audible or scheduled. */
  isPlaying(turnId: string | null = this.current): boolean {
    const turn = turnId ? this.turns.get(turnId) : undefined;
    return !!turn && !turn.stopped && turn.pending > 0;
  }

  /** Output level of the AI's voice, 0..1. */
  level(): number {
    this.analyser.getFloatTimeDomainData(this.levelBuffer);
    let sum = 0;
    for (let i = 0; i < this.levelBuffer.length; i++) sum += this.levelBuffer[i]! * this.levelBuffer[i]!;
    return Math.min(1, Math.sqrt(sum / this.levelBuffer.length) * 4);
  }

  async close(): Promise<void> {
    if (this.current) this.stop(this.current);
    await this.context.close().catch(() => undefined);
  }

  private settle(turnId: string, turn: TurnPlayback): void {
    if (turn.stopped || !turn.final || turn.pending > 0) return;
    turn.stopped = true;
    turn.stoppedAtMs = turn.totalMs;
    if (this.current === turnId) this.current = null;
    // Report all of it: the server compares with the audio it sent (SPEC §7.1).
    this.events.onTurnEnd(turnId, Math.ceil(turn.totalMs));
  }
}
