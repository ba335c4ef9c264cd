import { resample } from '../src/audio/resample';
import { PcmFramer, StreamResampler } from '../src/audio/stream-capture-resampler';

/** The live-voice capture path: a continuous microphone stream → 16 kHz, resampled across blocks (SPEC §7.1). */
describe('streaming resampler', () => {
  const tone = (rate: number, samples: number, hz: number, amplitude = 0.5) =>
    Float32Array.from({ length: samples }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate));

  /** Feeds `input` in blocks of the given sizes (cycled), concatenating the outputs. */
  function inBlocks(resampler: StreamResampler, input: Float32Array, sizes: number[]): Float32Array {
    const parts: Float32Array[] = [];
    for (let at = 0, k = 0; at < input.length; k++) {
      const size = sizes[k % sizes.length]!;
      parts.push(resampler.process(input.subarray(at, at + size)));
      at += size;
    }
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) (out.set(p, offset), (offset += p.length));
    return out;
  }

  const rms = (x: Float32Array, from = 0, to = x.length) => {
    let sum = 0;
    for (let i = from; i < to; i++) sum += x[i]! * x[i]!;
    return Math.sqrt(sum / Math.max(1, to - from));
  };

  it.each([48_000, 44_100])('keeps every sample across blocks of any size at %i Hz (same as one block, no drops)', (rate) => {
    const input = tone(rate, rate * 2, 440);
    const whole = new StreamResampler(rate, 16_000).process(input);
    const blocks = inBlocks(new StreamResampler(rate, 16_000), input, [128, 7, 1000, 1, 333, 128, 4096]);
    expect(blocks.length).toBe(whole.length);
    let maxDiff = 0;
    for (let i = 0; i < whole.length; i++) maxDiff = Math.max(maxDiff, Math.abs(whole[i]! - blocks[i]!));
    expect(maxDiff).toBeLessThan(1e-6);
    // Every output the input allows is produced: the stream lags only by the filter's look-ahead.
    const expected = Math.floor((input.length * 16_000) / rate);
    const lag = new StreamResampler(rate, 16_000).latencySamples;
    expect(blocks.length).toBeGreaterThanOrEqual(expected - lag - 1);
    expect(blocks.length).toBeLessThanOrEqual(expected);
  });

  it('follows a 440 Hz tone sample for sample with no clicks at block edges (128-sample worklet blocks)', () => {
    const input = tone(48_000, 48_000, 440);
    const out = inBlocks(new StreamResampler(48_000, 16_000), input, [128]);
    const ideal = tone(16_000, out.length, 440);
    let maxError = 0;
    let maxStep = 0;
    for (let i = 200; i < out.length; i++) {
      maxError = Math.max(maxError, Math.abs(out[i]! - ideal[i]!));
      maxStep = Math.max(maxStep, Math.abs(out[i]! - out[i - 1]!));
    }
    expect(maxError).toBeLessThan(1e-3);
    // The steepest step of a 0.5-amplitude 440 Hz sine at 16 kHz is 0.5·2π·440/16000 ≈ 0.086.
    expect(maxStep).toBeLessThan(0.0865);
  });

  it('(the per-block resampler of turn mode, by contrast, loses samples at block edges)', () => {
    const input = tone(48_000, 48_000, 440);
    let kept = 0;
    for (let at = 0; at < input.length; at += 128) kept += resample(input.subarray(at, at + 128), 48_000, 16_000).length;
    expect(kept).toBeLessThan(15_800);
    expect(inBlocks(new StreamResampler(48_000, 16_000), input, [128]).length).toBeGreaterThan(15_950);
  });

  it.each([48_000, 44_100])('removes a tone above 8 kHz (anti-aliasing) and keeps speech frequencies at %i Hz', (rate) => {
    for (const hz of [8_500, 9_000, 12_000, 15_000]) {
      const out = new StreamResampler(rate, 16_000).process(tone(rate, rate, hz));
      // ≥ 60 dB down (0.5 / 1000), after the start-up transient.
      expect(rms(out, 400)).toBeLessThan(0.5 / Math.SQRT2 / 1000);
    }
    for (const hz of [100, 1_000, 3_000, 6_500]) {
      const out = new StreamResampler(rate, 16_000).process(tone(rate, rate, hz));
      expect(rms(out, 400)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    }
  });

  it('keeps a constant exactly (unit gain at every phase) and passes 16 kHz through', () => {
    const out = new StreamResampler(44_100, 16_000).process(new Float32Array(44_100).fill(0.25));
    for (let i = 300; i < out.length; i++) expect(Math.abs(out[i]! - 0.25)).toBeLessThan(1e-5);
    const same = Float32Array.from([0.1, 0.2]);
    expect(Array.from(new StreamResampler(16_000, 16_000).process(same))).toEqual(Array.from(same));
  });

  it('upsamples an 8 kHz microphone too', () => {
    const out = inBlocks(new StreamResampler(8_000, 16_000), tone(8_000, 8_000, 500), [100, 37]);
    const ideal = tone(16_000, out.length, 500);
    let maxError = 0;
    for (let i = 200; i < out.length; i++) maxError = Math.max(maxError, Math.abs(out[i]! - ideal[i]!));
    expect(maxError).toBeLessThan(2e-3);
  });
});

describe('PCM framer', () => {
  it('cuts a stream into 20 ms PCM16 frames of 320 samples without losing any', () => {
    const framer = new PcmFramer(320);
    const frames = [
      ...framer.push(new Float32Array(100).fill(0.5)),
      ...framer.push(new Float32Array(500).fill(-0.5)),
      ...framer.push(new Float32Array(40).fill(1)),
    ];
    expect(frames).toHaveLength(2);
    expect(frames.every((f) => f.length === 320)).toBe(true);
    expect(frames[0]![99]).toBe(Math.round(0.5 * 0x7fff));
    expect(frames[0]![100]).toBe(-0x4000);
    expect(frames[1]![319]).toBe(0x7fff);
  });
});
