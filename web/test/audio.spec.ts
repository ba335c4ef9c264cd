import { encodeMp3 } from '@parley/audio';
import { MAX_TURN_AUDIO_BYTES } from '@parley/contracts';
import { TARGET_RATE, level, resample, toInt16 } from '../src/audio/resample';

/** The in-page audio pipeline: microphone rate → 16 kHz mono → MP3 within the turn limit. */
describe('web audio pipeline', () => {
  const tone = (rate: number, seconds: number, hz = 440) =>
    Float32Array.from({ length: rate * seconds }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate));

  it('resamples 48 kHz to 16 kHz keeping length and pitch', () => {
    const input = tone(48_000, 1);
    const output = resample(input, 48_000, TARGET_RATE);
    expect(output.length).toBe(16_000);
    // A 440 Hz tone crosses zero ~880 times a second at any sample rate.
    let crossings = 0;
    for (let i = 1; i < output.length; i++) if (output[i - 1]! < 0 !== output[i]! < 0) crossings++;
    expect(crossings).toBeGreaterThan(860);
    expect(crossings).toBeLessThan(900);
    expect(resample(input, 16_000, 16_000)).toBe(input);
  });

  it('converts to 16-bit PCM with clipping', () => {
    expect(Array.from(toInt16(Float32Array.from([0, 1, -1, 2, -2])))).toEqual([0, 32767, -32768, 32767, -32768]);
  });

  it('meters silence as 0 and a loud signal near 1', () => {
    expect(level(new Float32Array(128))).toBe(0);
    expect(level(tone(48_000, 0.01))).toBeGreaterThan(0.9);
    expect(level(Float32Array.from({ length: 128 }, () => 0.05))).toBeCloseTo(0.2, 2);
  });

  it('fits about 30 s of 16 kHz mono speech at 32 kbps under the 128 KB turn limit', () => {
    const thirtySeconds = toInt16(resample(tone(48_000, 30, 220), 48_000, TARGET_RATE));
    const mp3 = encodeMp3(thirtySeconds, TARGET_RATE, 32);
    expect(mp3.length).toBeLessThan(MAX_TURN_AUDIO_BYTES);
    expect(mp3.length).toBeGreaterThan(100 * 1024);
  });
});
