import { synthesizeFlite } from './flite';
import { VoiceActivityDetector } from './vad';

const RATE = 16_000;

/** Quiet room noise (±40 of 32767, about −58 dBFS), deterministic. */
function noise(ms: number): Int16Array {
  const out = new Int16Array((RATE / 1000) * ms);
  let seed = 42;
  for (let i = 0; i < out.length; i++) {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    out[i] = (seed % 81) - 40;
  }
  return out;
}

function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function feed(vad: VoiceActivityDetector, pcm: Int16Array, frameSamples: number) {
  const results = [];
  for (let at = 0; at < pcm.length; at += frameSamples) results.push(vad.process(pcm.subarray(at, at + frameSamples)));
  return results;
}

describe('VoiceActivityDetector (WebRTC VAD)', () => {
  let speech: Int16Array;
  let audio: Int16Array;
  const lead = 800; // ms of silence before and after the speech

  beforeAll(async () => {
    speech = (await synthesizeFlite('I would like to cancel my subscription because the price is too high.')).pcm;
    audio = concat(noise(lead), speech, noise(lead));
  });

  it('never marks digital silence voiced', () => {
    const vad = new VoiceActivityDetector({ mode: 0 });
    expect(feed(vad, new Int16Array(RATE), 320).some((r) => r.voiced)).toBe(false);
    vad.dispose();
  });

  it('marks 20 ms frames of Flite speech voiced and the silence around it not', () => {
    const vad = new VoiceActivityDetector({ mode: 2, frameMs: 30 });
    const results = feed(vad, audio, 320);
    const speechFrames = speech.length / 320;
    // The VAD learns the noise floor over its first ~150 ms, during which noise may count as voice.
    const before = results.slice(300 / 20, lead / 20);
    const during = results.slice(lead / 20 + 2, lead / 20 + speechFrames - 2);
    const after = results.slice(lead / 20 + speechFrames + 15); // the VAD's hangover fades within ~300 ms
    expect(before.every((r) => !r.voiced && r.voicedMs === 0)).toBe(true);
    expect(after.every((r) => !r.voiced)).toBe(true);
    expect(during.filter((r) => r.voiced).length / during.length).toBeGreaterThan(0.8);
    // Every sample is decided exactly once, in 30 ms VAD frames.
    expect(results.reduce((ms, r) => ms + r.analysedMs, 0)).toBe(Math.floor(audio.length / 480) * 30);
    const voicedMs = results.reduce((ms, r) => ms + r.voicedMs, 0);
    expect(voicedMs).toBeGreaterThan(0.7 * (speech.length / 16));
    expect(voicedMs).toBeLessThan(speech.length / 16 + 800);
    vad.dispose();
  });

  it('gives the same verdicts whatever the input frame length', () => {
    const verdicts = (frameSamples: number, frameMs: 10 | 20 | 30) => {
      const vad = new VoiceActivityDetector({ mode: 3, frameMs });
      const frames = feed(vad, audio, frameSamples).flatMap((r) => r.frames);
      vad.dispose();
      return frames;
    };
    const reference = verdicts(480, 30);
    expect(verdicts(160, 30)).toEqual(reference);
    expect(verdicts(1_234, 30)).toEqual(reference); // odd lengths are buffered
    expect(verdicts(1_600, 30)).toEqual(reference); // 100 ms frames
    const tenMs = verdicts(320, 10);
    expect(tenMs.filter(Boolean).length).toBeGreaterThan(0);
    expect(tenMs.length).toBe(Math.floor(audio.length / 160));
  });

  it('without the overhang, speech ends with the model\'s own decision: the same frames minus the trailing ones', () => {
    const verdicts = (overhang: boolean) => {
      const vad = new VoiceActivityDetector({ mode: 2, frameMs: 10, overhang });
      const frames = feed(vad, audio, 160).flatMap((r) => r.frames);
      vad.dispose();
      return frames;
    };
    const smoothed = verdicts(true);
    const own = verdicts(false);
    expect(own.every((voiced, i) => !voiced || smoothed[i])).toBe(true);
    // Only frames right after speech differ: each follows a frame voiced either way, or another overhang frame.
    const overhangFrames = own.map((voiced, i) => smoothed[i] && !voiced);
    expect(overhangFrames.filter(Boolean).length).toBeGreaterThan(0);
    expect(overhangFrames.every((extra, i) => !extra || own[i - 1] || overhangFrames[i - 1])).toBe(true);
    // libfvad holds up to 90 ms (10 ms frames, mode 2) after the last voiced frame; without it the speech ends there.
    const lastOwn = own.lastIndexOf(true);
    const lastSmoothed = smoothed.lastIndexOf(true);
    expect(lastSmoothed - lastOwn).toBeGreaterThan(0);
    expect(lastSmoothed - lastOwn).toBeLessThanOrEqual(9);
  });

  it('repeats the last verdict for an input too short to complete a VAD frame, and reset forgets it', () => {
    const vad = new VoiceActivityDetector({ frameMs: 30 });
    const middle = speech.subarray(speech.length / 2 - 4_800, speech.length / 2 + 4_800);
    feed(vad, middle, 480);
    const short = vad.process(middle.subarray(0, 100));
    expect(short).toMatchObject({ analysedMs: 0, voicedMs: 0, frames: [] });
    expect(short.voiced).toBe(vad.process(new Int16Array(0)).voiced);
    vad.reset();
    expect(vad.process(new Int16Array(100))).toMatchObject({ voiced: false, analysedMs: 0 });
    expect(vad.process(noise(30)).voiced).toBe(false);
    vad.dispose();
  });

  it('validates its settings and input, and is unusable after dispose', () => {
    expect(() => new VoiceActivityDetector({ mode: 4 as 0 })).toThrow(RangeError);
    expect(() => new VoiceActivityDetector({ frameMs: 25 as 30 })).toThrow(RangeError);
    const vad = new VoiceActivityDetector();
    expect(vad).toMatchObject({ mode: 2, frameMs: 30 });
    expect(() => vad.process(new Float32Array(10) as unknown as Int16Array)).toThrow(TypeError);
    vad.dispose();
    vad.dispose(); // idempotent
    expect(() => vad.process(new Int16Array(480))).toThrow(/disposed/);
  });

  it('keeps 200 detectors in one process, each with its own state', () => {
    const lone = new VoiceActivityDetector({ frameMs: 10 });
    const alone = feed(lone, audio, 160).flatMap((r) => r.frames);
    lone.dispose();
    // Half the detectors hear the audio, the other half silence, interleaved frame by frame in one WebAssembly memory.
    const detectors = Array.from({ length: 200 }, () => new VoiceActivityDetector({ frameMs: 10 }));
    const heard = detectors.map((): boolean[] => []);
    for (let at = 0; at < audio.length; at += 160) {
      detectors.forEach((vad, i) => {
        const input = i % 2 === 0 ? audio.subarray(at, at + 160) : new Int16Array(160);
        heard[i]!.push(...vad.process(input).frames);
      });
    }
    heard.forEach((frames, i) => expect(i % 2 === 0 ? frames : frames.some(Boolean)).toEqual(i % 2 === 0 ? alone : false));
    for (const vad of detectors) vad.dispose();
  });
});
