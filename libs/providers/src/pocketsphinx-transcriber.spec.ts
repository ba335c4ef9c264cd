import { readdirSync } from 'node:fs';
import { getPriority } from 'node:os';
import { encodeMp3, encodeMp3Stereo, InvalidAudioError, resampleLinear, synthesizeFlite } from '@parley/audio';
import { ProviderError, ProviderTimeoutError } from './errors';
import { PocketsphinxTranscriber } from './pocketsphinx-transcriber';

/** Real pocketsphinx (Debian `pocketsphinx`, `pocketsphinx-en-us`) through the decoder pool; no mocks. */
const SENTENCE = 'I would like to cancel my subscription because the price is too high.';

describe('PocketsphinxTranscriber (in-process decoder pool)', () => {
  let mp3: Buffer;
  // Generous: a busy test machine can make a recognition take several seconds.
  const transcriber = new PocketsphinxTranscriber({ policy: { timeoutMs: 30_000, retries: 0 } });

  beforeAll(async () => {
    mp3 = encodeMp3((await synthesizeFlite(SENTENCE)).pcm);
  });
  afterAll(() => transcriber.close());

  it('transcribes Flite speech after an MP3 round trip, on warm decoders', async () => {
    const { text, model } = await transcriber.transcribe(mp3, { language: 'en-US' });
    expect(model).toBe('pocketsphinx');
    for (const word of ['cancel', 'subscription', 'price', 'high']) expect(text.split(' ')).toContain(word);
    await transcriber.transcribe(mp3);
    expect(transcriber.pool.stats()).toMatchObject({ decoders: 1, idle: 1 }); // the same warm decoder: no model load
  });

  it('decodes at background priority: worker threads are niced, the main thread is not', () => {
    const workers = readdirSync('/proc/self/task').map(Number).filter((tid) => tid !== process.pid);
    expect(workers.filter((tid) => getPriority(tid) === 10).length).toBeGreaterThanOrEqual(4); // libuv's pool at least
    expect(getPriority(process.pid)).toBeLessThan(10);
  });

  it('runs up to `concurrency` recognitions at once and queues the rest', async () => {
    const texts = await Promise.all(Array.from({ length: 4 }, () => transcriber.transcribe(mp3)));
    for (const { text } of texts) expect(text.split(' ')).toContain('subscription');
    expect(transcriber.pool.stats()).toMatchObject({ size: 2, decoders: 2, idle: 2, waiting: 0 });
  });

  it('resamples and mixes down audio that is not 16 kHz mono', async () => {
    const speech = (await synthesizeFlite('Please send me a refund.')).pcm;
    const wide = resampleLinear(speech, 16_000, 24_000);
    const { text } = await transcriber.transcribe(encodeMp3Stereo(wide, wide, 24_000, 64));
    expect(text).toContain('refund');
  });

  it('abandons an attempt that makes no progress within the timeout, and the decoder recovers', async () => {
    const shared = transcriber.pool;
    const slow = new PocketsphinxTranscriber({ policy: { timeoutMs: 1, retries: 1 }, pool: shared });
    const failure = await slow.transcribe(mp3).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure).toMatchObject({ attempts: 2 });
    expect((failure as ProviderError).cause).toBeInstanceOf(ProviderTimeoutError);
    // The cancelled utterances were ended in order: the same decoders recognise the next turn correctly.
    const { text } = await transcriber.transcribe(mp3);
    expect(text.split(' ')).toContain('subscription');
    expect(shared.stats()).toMatchObject({ decoders: 2, idle: 2 });
  });

  it('stops when the caller aborts, and gives the decoder back', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(transcriber.transcribe(mp3, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(transcriber.transcribe(mp3, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the running chunk (≤ 0.5 s of audio) completes
    expect(transcriber.pool.stats()).toMatchObject({ idle: 2, inUse: 0 });
  });

  it('refuses unusable audio before taking a decoder, and fails clearly without the model', async () => {
    const fresh = new PocketsphinxTranscriber({ policy: { timeoutMs: 1_000, retries: 2 } });
    await expect(fresh.transcribe(Buffer.from('not audio at all'))).rejects.toBeInstanceOf(InvalidAudioError);
    expect(fresh.pool.stats()).toMatchObject({ decoders: 0 });

    const missing = new PocketsphinxTranscriber({ policy: { timeoutMs: 1_000, retries: 2 }, hmm: '/nonexistent/en-us' });
    const failure = await missing.transcribe(mp3).catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: 'ProviderError', role: 'transcription', attempts: 1 });
    expect((failure as Error).message).toMatch(/pocketsphinx-en-us/);
    expect((failure as ProviderError).cause).toMatchObject({ name: 'PocketsphinxUnavailableError' });
  });
});
