import { synthesizeFlite } from './flite';
import { decodeMp3 } from './mp3';
import { probeMp3 } from './mp3-frames';
import { encodeMp3OffThread } from './mp3-worker';
import { int16ToFloat32 } from './pcm';

const rms = (pcm: ArrayLike<number>) => Math.sqrt(Array.from(pcm).reduce((sum, s) => sum + s * s, 0) / pcm.length);

describe('encodeMp3OffThread (LAME in WebAssembly on a worker thread)', () => {
  let speech: Int16Array;

  beforeAll(async () => {
    speech = (await synthesizeFlite('Good morning. I am calling about the invoice you sent me last week.')).pcm;
  });

  it('encodes 16 kHz mono at a constant bitrate that decodes back to the same speech', async () => {
    const seconds = speech.length / 16_000;
    const mp3 = await encodeMp3OffThread(speech, 16_000, 32);
    expect(probeMp3(mp3)).toMatchObject({ sampleRate: 16_000, channels: 1, bitrateKbps: 32 });
    expect(mp3.length / seconds).toBeGreaterThan(3_700);
    expect(mp3.length / seconds).toBeLessThan(4_400);
    const small = await encodeMp3OffThread(speech, 16_000, 24);
    expect(probeMp3(small).bitrateKbps).toBe(24);

    const decoded = await decodeMp3(mp3);
    expect(decoded.sampleRate).toBe(16_000);
    // Encoder delay and padding add at most a few frames.
    expect(decoded.pcm.length / 16_000).toBeGreaterThanOrEqual(seconds);
    expect(decoded.pcm.length / 16_000 - seconds).toBeLessThan(0.2);
    expect(rms(decoded.pcm)).toBeCloseTo(rms(int16ToFloat32(speech)), 1);
  });

  it('answers concurrent requests each with its own audio', async () => {
    const lengths = [0.5, 2, 1, 3].map((s) => Math.round(s * 16_000));
    const encoded = await Promise.all(lengths.map((n) => encodeMp3OffThread(speech.subarray(0, n))));
    const durations = encoded.map((mp3) => probeMp3(mp3).durationMs);
    lengths.forEach((n, i) => {
      expect(durations[i]).toBeGreaterThanOrEqual((n / 16_000) * 1000);
      expect(durations[i]).toBeLessThan((n / 16_000) * 1000 + 200);
    });
  });

  it('refuses empty input, and a rate LAME would resample (its output could come out silent)', async () => {
    await expect(encodeMp3OffThread(new Int16Array(0))).rejects.toThrow(RangeError);
    await expect(encodeMp3OffThread(speech, 24_000, 24)).rejects.toThrow(/resampled 24000 Hz to 16000 Hz/);
    // The worker is still there for the next request.
    expect(probeMp3(await encodeMp3OffThread(speech.subarray(0, 16_000))).sampleRate).toBe(16_000);
  });
});
