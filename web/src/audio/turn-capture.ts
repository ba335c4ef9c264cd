import { MAX_TURN_AUDIO_BYTES } from '@parley/contracts';
import { LevelMeter } from './level-meter';
import { StreamingMp3Encoder, type Mp3EncoderFactory } from './mp3-encoder';
import { createResampler, floatToInt16, type Resampler } from './resampler';
import { DEFAULT_SAFETY_BYTES, TURN_BITRATE_KBPS, TURN_SAMPLE_RATE, TurnSizeBudget } from './size-budget';

export interface CaptureProgress {
  /** Seconds of audio captured. */
  durationSec: number;
  /** Projected MP3 size if recording stopped now. */
  projectedBytes: number;
  limitBytes: number;
  /** 0..1 of the limit. */
  fraction: number;
  /** Smoothed input level 0..1. */
  level: number;
  /** True once the size limit stopped the capture; further input is ignored. */
  full: boolean;
}

export interface CapturedTurn {
  mp3: Uint8Array;
  durationMs: number;
  bytes: number;
  /** Whether the capture was cut at the size limit. */
  truncated: boolean;
  /** Peak input level during the turn (0..1 on the meter scale); near 0 means the microphone heard nothing. */
  peakLevel: number;
}

export interface TurnCaptureOptions {
  inputRate: number;
  encoderFactory: Mp3EncoderFactory;
  limitBytes?: number;
  safetyBytes?: number;
}

/**
 * One trainee turn, from microphone blocks to an MP3: resample to 16 kHz, encode mono MP3 at 32 kbit/s, and refuse
 * input that would push the file past the limit (the caller then stops recording). Pure: fed by the AudioWorklet
 * in the page, by synthetic signals in tests.
 */
export class TurnCapture {
  private readonly resampler: Resampler;
  private readonly encoder: StreamingMp3Encoder;
  private readonly budget: TurnSizeBudget;
  private readonly meter = new LevelMeter();
  private full = false;
  private peak = 0;

  constructor(readonly options: TurnCaptureOptions) {
    this.resampler = createResampler(options.inputRate, TURN_SAMPLE_RATE);
    this.encoder = new StreamingMp3Encoder(options.encoderFactory, TURN_SAMPLE_RATE, TURN_BITRATE_KBPS);
    const limit = Math.min(options.limitBytes ?? MAX_TURN_AUDIO_BYTES, MAX_TURN_AUDIO_BYTES);
    this.budget = new TurnSizeBudget(limit, Math.min(options.safetyBytes ?? DEFAULT_SAFETY_BYTES, Math.floor(limit / 4)));
  }

  get limitBytes(): number {
    return this.budget.limitBytes;
  }

  get isFull(): boolean {
    return this.full;
  }

  /** Feeds one block of microphone samples at the input rate. */
  push(block: Float32Array): CaptureProgress {
    const blockMs = (block.length / this.options.inputRate) * 1000;
    const level = this.meter.update(block, blockMs);
    if (!this.full) {
      const resampled = this.resampler.process(block);
      if (this.budget.wouldExceed(this.encoder.samples, this.encoder.bytes, resampled.length)) {
        this.full = true;
      } else {
        this.peak = Math.max(this.peak, level);
        this.encoder.encode(floatToInt16(resampled));
      }
    }
    return this.progress(level);
  }

  progress(level = this.meter.position): CaptureProgress {
    const projectedBytes = this.budget.projected(this.encoder.samples, this.encoder.bytes);
    return {
      durationSec: this.encoder.samples / TURN_SAMPLE_RATE,
      projectedBytes,
      limitBytes: this.budget.limitBytes,
      fraction: this.budget.fraction(projectedBytes),
      level,
      full: this.full,
    };
  }

  /** Ends the turn: the resampler's tail (when it still fits) and LAME's last frames. */
  finish(): CapturedTurn {
    const tail = this.resampler.flush();
    if (!this.full && tail.length && !this.budget.wouldExceed(this.encoder.samples, this.encoder.bytes, tail.length)) {
      this.encoder.encode(floatToInt16(tail));
    }
    const mp3 = this.encoder.finish();
    return {
      mp3,
      durationMs: Math.round((this.encoder.samples / TURN_SAMPLE_RATE) * 1000),
      bytes: mp3.length,
      truncated: this.full,
      peakLevel: this.peak,
    };
  }
}
