import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { synthesizeFlite } from '@parley/audio';
import { DecoderPool, DecoderPoolBusyError, DecoderPoolClosedError } from './decoder-pool';
import { PocketsphinxUnavailableError } from './native';

/** Real pocketsphinx (Debian `pocketsphinx`, `pocketsphinx-en-us`) on real Flite speech; no mocks. */
const SENTENCE = 'I would like to cancel my subscription because the price is too high';
const FRAME = 320; // 20 ms at 16 kHz

function wordsRecognised(expected: string, heard: string): number {
  const said = heard.toLowerCase().split(/\s+/);
  const words = expected.toLowerCase().split(/\s+/);
  return words.filter((word) => said.includes(word)).length / words.length;
}

describe('pocketsphinx DecoderPool', () => {
  let speech: Int16Array;
  const pool = new DecoderPool({ size: 2 });

  beforeAll(async () => {
    speech = (await synthesizeFlite(SENTENCE)).pcm;
    await pool.warmUp();
  });
  afterAll(() => pool.close());

  it('recognises speech as it streams: the partial grows and the final is ready soon after finish', async () => {
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const rec = await pool.open();
    const partials: string[] = [];
    rec.onPartial((text) => partials.push(text));
    // 100 ms frames twice as fast as real time: decoding (real-time factor ≈ 0.2) keeps up.
    for (let at = 0; at < speech.length; at += 5 * FRAME) {
      rec.write(speech.subarray(at, at + 5 * FRAME));
      await sleep(50);
    }
    const finishing = performance.now();
    const text = await rec.finish();
    const finalMs = performance.now() - finishing;
    delay.disable();

    expect(wordsRecognised(SENTENCE, text)).toBeGreaterThanOrEqual(0.7);
    expect(rec.partial()).toBe(text);
    expect(partials.length).toBeGreaterThanOrEqual(3);
    expect(partials.at(-1)).toBe(text);
    // The hypothesis grows while the trainee speaks.
    const wordCounts = partials.map((p) => p.split(' ').filter(Boolean).length);
    expect(wordCounts[Math.floor(wordCounts.length / 2)]!).toBeLessThan(wordCounts.at(-1)!);
    // ≈ 60 ms on an idle core; a loaded test machine (two Jest workers decoding at once) may lag a few chunks behind.
    expect(finalMs).toBeLessThan(1_000);
    // Decoding ran on worker threads: the event loop stayed responsive.
    expect(delay.max / 1e6).toBeLessThan(100);
    expect(pool.stats()).toMatchObject({ decoders: 2, idle: 2, inUse: 0 });
  });

  it('accepts frames of any size, including odd ones, and reuses warm decoders', async () => {
    for (const size of [FRAME, 1_234, speech.length]) {
      const rec = await pool.open();
      expect(pool.stats()).toMatchObject({ decoders: 2, inUse: 1 }); // a warm decoder lent: no model loaded
      for (let at = 0; at < speech.length; at += size) rec.write(speech.subarray(at, at + size));
      expect(wordsRecognised(SENTENCE, await rec.finish())).toBeGreaterThanOrEqual(0.7);
    }
    expect(pool.stats()).toMatchObject({ decoders: 2, idle: 2 });
  });

  it('cancel drops the audio and returns the decoder, which then recognises the next utterance', async () => {
    const rec = await pool.open();
    rec.write(speech);
    await rec.cancel();
    expect(pool.stats()).toMatchObject({ idle: 2, inUse: 0 });
    await expect(rec.finish()).rejects.toMatchObject({ name: 'AbortError' });
    expect(() => rec.write(speech)).toThrow(/cancelled/);

    const next = await pool.open();
    next.write(speech.subarray(0, speech.length / 2));
    next.write(speech.subarray(speech.length / 2));
    expect(wordsRecognised(SENTENCE, await next.finish())).toBeGreaterThanOrEqual(0.7);
  });

  it('aborting the signal cancels a running recognition and a pending finish', async () => {
    const controller = new AbortController();
    const rec = await pool.open(controller.signal);
    rec.write(speech);
    const finishing = rec.finish();
    controller.abort();
    await expect(finishing).rejects.toMatchObject({ name: 'AbortError' });
    await rec.cancel(); // resolves once the decoder is back
    expect(pool.stats()).toMatchObject({ idle: 2, inUse: 0 });
  });

  it('bounds the wait for a decoder: abort, timeout and queue length', async () => {
    const small = new DecoderPool({ size: 1, acquireTimeoutMs: 200, maxWaiting: 1 });
    try {
      await small.warmUp(); // creating the decoder (≈ 0.6 s) would count against the 200 ms
      const lease = await small.acquire();
      const controller = new AbortController();
      const waiting = small.acquire(controller.signal);
      expect(small.stats()).toMatchObject({ waiting: 1 });
      await expect(small.acquire()).rejects.toBeInstanceOf(DecoderPoolBusyError); // queue full
      controller.abort();
      await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
      await expect(small.acquire(AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
      await expect(small.acquire()).rejects.toThrow(/within 200 ms/);

      const next = small.acquire();
      lease.release();
      lease.release(); // idempotent
      const second = await next;
      expect(second.decoder).toBe(lease.decoder); // the same warm decoder
      // A lease can run several utterances (e.g. retries) before it is given back.
      for (let i = 0; i < 2; i++) {
        const rec = second.open();
        rec.write(speech);
        expect(wordsRecognised(SENTENCE, await rec.finish())).toBeGreaterThanOrEqual(0.7);
      }
      small.release(second);
      expect(small.stats()).toMatchObject({ decoders: 1, idle: 1, inUse: 0, waiting: 0 });
    } finally {
      await small.close();
    }
    await expect(small.acquire()).rejects.toBeInstanceOf(DecoderPoolClosedError);
    expect(small.stats()).toMatchObject({ decoders: 0 });
  });

  it('fails clearly when the library or the model is missing', async () => {
    const broken = new DecoderPool({ model: { hmm: '/nonexistent/en-us' } });
    const failure = await broken.open().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PocketsphinxUnavailableError);
    expect((failure as Error).message).toMatch(/pocketsphinx-en-us/);
    expect(broken.stats()).toMatchObject({ decoders: 0, waiting: 0 });
    await broken.close();
  });
});
