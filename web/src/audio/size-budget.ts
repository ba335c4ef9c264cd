import { MAX_TURN_AUDIO_BYTES } from '@parley/contracts';

/**
 * How big a turn's MP3 will be, so recording stops before the server's 128 KB limit rather than after.
 *
 * The page encodes 16 kHz mono at 32 kbit/s (STACK.md: LAME must not resample). At 16 kHz LAME writes MPEG-2
 * Layer III: 576 samples per frame, 72 × bitrate / rate = 144 bytes per frame (+1 with padding, which constant
 * bitrate at these rates never needs), i.e. 4,000 bytes a second. LAME holds back up to about two frames and adds
 * its encoder delay and a final partial frame on flush, so the projection counts those too. Pure.
 */

export const TURN_SAMPLE_RATE = 16_000;
export const TURN_BITRATE_KBPS = 32;
export const SAMPLES_PER_FRAME = 576;
/** LAME's encoder delay plus the padding frame it flushes, in samples, generously rounded up. */
export const ENCODER_OVERHEAD_SAMPLES = 3 * SAMPLES_PER_FRAME;
/** Kept free below the limit: a Xing/LAME info frame, rounding. */
export const DEFAULT_SAFETY_BYTES = 1024;

export function frameBytes(sampleRate = TURN_SAMPLE_RATE, kbps = TURN_BITRATE_KBPS): number {
  const samplesPerFrame = sampleRate >= 32_000 ? 1152 : 576;
  return Math.floor(((samplesPerFrame / 8) * kbps * 1000) / sampleRate);
}

/** Bytes of the MP3 once `samples` have been encoded and the encoder flushed. */
export function projectedMp3Bytes(samples: number, sampleRate = TURN_SAMPLE_RATE, kbps = TURN_BITRATE_KBPS): number {
  const samplesPerFrame = sampleRate >= 32_000 ? 1152 : 576;
  const frames = Math.ceil((samples + ENCODER_OVERHEAD_SAMPLES) / samplesPerFrame);
  return frames * frameBytes(sampleRate, kbps);
}

/** Longest recording that fits in `limitBytes` (seconds, rounded down to a tenth). */
export function maxRecordingSeconds(limitBytes = MAX_TURN_AUDIO_BYTES, safetyBytes = DEFAULT_SAFETY_BYTES, sampleRate = TURN_SAMPLE_RATE, kbps = TURN_BITRATE_KBPS): number {
  const frames = Math.floor((limitBytes - safetyBytes) / frameBytes(sampleRate, kbps));
  const samplesPerFrame = sampleRate >= 32_000 ? 1152 : 576;
  const samples = frames * samplesPerFrame - ENCODER_OVERHEAD_SAMPLES;
  return Math.max(0, Math.floor((samples / sampleRate) * 10) / 10);
}

export class TurnSizeBudget {
  constructor(
    readonly limitBytes = MAX_TURN_AUDIO_BYTES,
    readonly safetyBytes = DEFAULT_SAFETY_BYTES,
    private readonly sampleRate = TURN_SAMPLE_RATE,
    private readonly kbps = TURN_BITRATE_KBPS,
  ) {
    if (limitBytes <= safetyBytes) throw new RangeError(`limit ${limitBytes} B leaves no room after ${safetyBytes} B of safety margin`);
  }

  /** Final size if the recording stopped now: the larger of what was written and what the samples need. */
  projected(samplesEncoded: number, bytesWritten: number): number {
    return Math.max(bytesWritten + 2 * frameBytes(this.sampleRate, this.kbps), projectedMp3Bytes(samplesEncoded, this.sampleRate, this.kbps));
  }

  /**
   * Whether encoding `nextSamples` more would risk passing the limit: recording must stop before feeding them.
   */
  wouldExceed(samplesEncoded: number, bytesWritten: number, nextSamples: number): boolean {
    const after = Math.max(
      bytesWritten + projectedMp3Bytes(nextSamples, this.sampleRate, this.kbps),
      projectedMp3Bytes(samplesEncoded + nextSamples, this.sampleRate, this.kbps),
    );
    return after > this.limitBytes - this.safetyBytes;
  }

  /** Share of the limit used, 0..1, for the size bar. */
  fraction(bytes: number): number {
    return Math.max(0, Math.min(1, bytes / this.limitBytes));
  }
}
