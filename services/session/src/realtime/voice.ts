/** One frame of trainee audio as the conversation sees it. */
export interface VoiceFrame {
  pcm: Int16Array;
  ms: number;
  /** When the frame arrived (ms since epoch): the end of the audio it carries. */
  receivedAt: number;
  voiced: boolean;
}

export type VoiceChange =
  /** Voice confirmed; `preroll` holds the voiced frames that confirmed it (this one last). */
  | { type: 'start'; startedAt: number; preroll: VoiceFrame[] }
  /** A frame inside speech (voiced, or a pause shorter than the hangover). */
  | { type: 'continue' }
  /** Silence outlasted the hangover; speech ended with the last voiced frame. */
  | { type: 'end'; endedAt: number };

/**
 * Frame-level VAD decisions turned into speech start and end: a start needs `onsetMs` of consecutive voice (a click
 * is not speech) and an end needs `hangoverMs` of silence (a pause between words is not an end).
 */
export class VoiceTracker {
  private speaking = false;
  private run: VoiceFrame[] = [];
  private runMs = 0;
  private silenceMs = 0;
  private lastVoicedAt = 0;
  /** Voice since the start, pauses excluded. */
  voicedMs = 0;

  constructor(private readonly tuning: { onsetMs: number; hangoverMs: number }) {}

  get isSpeaking(): boolean {
    return this.speaking;
  }

  push(frame: VoiceFrame): VoiceChange | null {
    if (!this.speaking) {
      if (!frame.voiced) {
        this.run = [];
        this.runMs = 0;
        return null;
      }
      this.run.push(frame);
      this.runMs += frame.ms;
      if (this.runMs < this.tuning.onsetMs) return null;
      const preroll = this.run;
      this.speaking = true;
      this.voicedMs = this.runMs;
      this.silenceMs = 0;
      this.lastVoicedAt = frame.receivedAt;
      this.run = [];
      this.runMs = 0;
      return { type: 'start', startedAt: preroll[0].receivedAt - preroll[0].ms, preroll };
    }
    if (frame.voiced) {
      this.voicedMs += frame.ms;
      this.silenceMs = 0;
      this.lastVoicedAt = frame.receivedAt;
      return { type: 'continue' };
    }
    this.silenceMs += frame.ms;
    if (this.silenceMs < this.tuning.hangoverMs) return { type: 'continue' };
    this.speaking = false;
    return { type: 'end', endedAt: this.lastVoicedAt };
  }
}
