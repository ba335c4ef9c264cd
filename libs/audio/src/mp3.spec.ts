import { randomBytes } from 'node:crypto';
import { InvalidAudioError, type InvalidAudioReason } from './errors';
import { synthesizeFlite } from './flite';
import { decodeMp3, encodeMp3, encodeMp3Stereo } from './mp3';
import { mp3DurationMs, probeMp3 } from './mp3-frames';
import { int16ToFloat32, resampleLinear } from './pcm';
import { encodeWav } from './wav';

const rms = (pcm: ArrayLike<number>) => Math.sqrt(Array.from(pcm).reduce((sum, s) => sum + s * s, 0) / pcm.length);

function expectInvalid(run: () => unknown, reason: InvalidAudioReason, message?: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidAudioError);
  expect((caught as InvalidAudioError).reason).toBe(reason);
  expect((caught as InvalidAudioError).code).toBe('invalid_audio');
  expect((caught as InvalidAudioError).status).toBe(422);
  if (message) expect((caught as Error).message).toMatch(message);
}

describe('MP3', () => {
  let speech: Int16Array;
  let mp3: Buffer;

  beforeAll(async () => {
    speech = (await synthesizeFlite('Good morning. I am calling about the invoice you sent me last week.')).pcm;
    mp3 = encodeMp3(speech);
  });

  describe('Flite → MP3 → PCM round trip', () => {
    it('encodes 16 kHz mono at about 4 KB per second at 32 kbit/s, 3 KB at 24', () => {
      const seconds = speech.length / 16_000;
      expect(mp3.length / seconds).toBeGreaterThan(3_700);
      expect(mp3.length / seconds).toBeLessThan(4_400);
      const small = encodeMp3(speech, 16_000, 24);
      expect(small.length / seconds).toBeGreaterThan(2_700);
      expect(small.length / seconds).toBeLessThan(3_300);
    });

    it('probes duration, rate and channels from the frame headers', () => {
      const info = probeMp3(mp3);
      expect(info).toMatchObject({ sampleRate: 16_000, channels: 1, bitrateKbps: 32 });
      const speechMs = (speech.length / 16_000) * 1000;
      expect(Math.abs(info.durationMs - speechMs)).toBeLessThan(150); // encoder delay and last-frame padding
      expect(mp3DurationMs(mp3)).toBe(info.durationMs);
    });

    it('decodes back to the same speech', async () => {
      const decoded = await decodeMp3(mp3);
      expect(decoded).toMatchObject({ sampleRate: 16_000, channels: 1 });
      expect(decoded.durationMs).toBe(probeMp3(mp3).durationMs);
      const original = rms(int16ToFloat32(speech));
      expect(rms(decoded.pcm)).toBeGreaterThan(original * 0.8);
      expect(rms(decoded.pcm)).toBeLessThan(original * 1.2);
    });

    it('decodes concurrently without sharing decoder state', async () => {
      const other = encodeMp3(speech.subarray(0, 16_000));
      const results = await Promise.all([decodeMp3(mp3), decodeMp3(other), decodeMp3(mp3)]);
      expect(results.map((r) => r.pcm.length)).toEqual([results[0].pcm.length, results[1].pcm.length, results[0].pcm.length]);
      expect(results[1].pcm.length).toBeLessThan(results[0].pcm.length / 2);
    });

    it('refuses rates LAME would resample (its output would be silent)', () => {
      expect(() => encodeMp3(resampleLinear(speech, 16_000, 24_000), 24_000, 32)).toThrow(/resampled 24000 Hz/);
      expect(probeMp3(encodeMp3(resampleLinear(speech, 16_000, 24_000), 24_000, 64)).sampleRate).toBe(24_000);
      expect(() => encodeMp3(new Int16Array(0))).toThrow(RangeError);
    });
  });

  describe('validation of a trainee turn', () => {
    it('probes a 128 KB turn from its frame headers', () => {
      const long = Buffer.concat(Array.from({ length: 40 }, () => mp3)).subarray(0, 128 * 1024);
      const info = probeMp3(long);
      expect(info.durationMs).toBeGreaterThan(30_000);
    });

    it('refuses empty input, random bytes and other containers', () => {
      expectInvalid(() => probeMp3(Buffer.alloc(0)), 'empty');
      for (let i = 0; i < 20; i++) expect(() => probeMp3(randomBytes(4096))).toThrow(InvalidAudioError);
      expectInvalid(() => probeMp3(encodeWav(speech, 16_000)), 'not_mp3', /WAV, not MP3/);
      expectInvalid(() => probeMp3(Buffer.concat([Buffer.from('OggS'), randomBytes(500)])), 'not_mp3', /Ogg/);
      expectInvalid(() => probeMp3(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3, 4])), 'not_mp3', /WebM/);
    });

    it('refuses truncated headers and files with no complete frame', () => {
      expectInvalid(() => probeMp3(mp3.subarray(0, 3)), 'truncated');
      expectInvalid(() => probeMp3(mp3.subarray(0, 40)), 'truncated'); // first frame cut short
      expectInvalid(() => probeMp3(Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0001\u0000', 'latin1')), 'truncated');
      const emptyTag = Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000', 'latin1');
      expectInvalid(() => probeMp3(emptyTag), 'no_frames');
      // A LAME "Info" header frame (MPEG-2 mono: after 4 header and 9 side-information bytes) and no audio frame.
      const frameLength = 72_000 * 32 / 16_000; // 144 bytes at 32 kbit/s, 16 kHz, no padding
      const infoOnly = Buffer.from(mp3.subarray(0, frameLength));
      infoOnly.write('Info', 13, 'latin1');
      expectInvalid(() => probeMp3(infoOnly), 'no_frames');
      const withInfo = Buffer.concat([infoOnly, mp3]);
      expect(probeMp3(withInfo).frames).toBe(probeMp3(mp3).frames); // the header frame is not audio
    });

    it('refuses damage in the middle but tolerates tags and a cut-off last frame', () => {
      const damaged = Buffer.from(mp3);
      randomBytes(64).copy(damaged, Math.floor(mp3.length / 2));
      expect(() => probeMp3(damaged)).toThrow(InvalidAudioError);

      const tag = Buffer.alloc(20);
      tag.write('ID3', 0, 'latin1');
      tag[3] = 4;
      tag[9] = 10; // 10-byte body
      const id3v1 = Buffer.alloc(128);
      id3v1.write('TAG', 0, 'latin1');
      const tagged = Buffer.concat([tag, mp3, id3v1]);
      expect(probeMp3(tagged).durationMs).toBe(probeMp3(mp3).durationMs);
      expect(probeMp3(mp3.subarray(0, mp3.length - 10)).frames).toBe(probeMp3(mp3).frames - 1);
    });

    it('refuses stereo unless asked to accept it; decoding mixes it down', async () => {
      const stereo = encodeMp3Stereo(speech, speech);
      expectInvalid(() => probeMp3(stereo), 'stereo', /stereo.*mono/);
      expect(probeMp3(stereo, { allowStereo: true }).channels).toBe(2);
      const decoded = await decodeMp3(stereo);
      expect(decoded.channels).toBe(2);
      expect(rms(decoded.pcm)).toBeGreaterThan(rms(int16ToFloat32(speech)) * 0.8);
    });

    it('decodeMp3 refuses what is not MP3 with the same typed error', async () => {
      await expect(decodeMp3(randomBytes(2048))).rejects.toBeInstanceOf(InvalidAudioError);
      await expect(decodeMp3(Buffer.alloc(0))).rejects.toMatchObject({ reason: 'empty' });
    });
  });
});
