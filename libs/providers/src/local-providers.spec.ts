import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeMp3, encodeMp3, encodeMp3Stereo, InvalidAudioError, probeMp3, resampleLinear, synthesizeFlite } from '@parley/audio';
import { ProviderError, ProviderTimeoutError } from './errors';
import { FliteSynthesizer } from './flite-synthesizer';
import { PocketsphinxTranscriber } from './pocketsphinx-transcriber';

const SENTENCE = 'I would like to cancel my subscription because the price is too high.';

describe('Flite synthesizer', () => {
  it('speaks 16 kHz mono MP3 with the persona voice, or slt for voices it lacks', async () => {
    const synthesizer = new FliteSynthesizer();
    const result = await synthesizer.synthesize('Thank you for calling. How can I help you today?', 'awb');
    expect(result).toMatchObject({ sampleRate: 16_000, voice: 'awb' });
    expect(probeMp3(result.mp3)).toMatchObject({ sampleRate: 16_000, channels: 1, bitrateKbps: 32 });
    expect(Math.abs((await decodeMp3(result.mp3)).durationMs - result.durationMs)).toBeLessThan(150);
    expect(result.firstByteMs).toBeGreaterThan(0);
    expect((await synthesizer.synthesize('Hello.', 'shimmer')).voice).toBe('slt');
  });

  it('reports failures as ProviderError and aborts as aborts', async () => {
    await expect(new FliteSynthesizer().synthesize('   ')).rejects.toMatchObject({ name: 'ProviderError', role: 'speech_synthesis' });
    await expect(new FliteSynthesizer().synthesize('Hi', undefined, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('Pocketsphinx transcriber', () => {
  let scratch: string;
  let mp3: Buffer;
  // Generous: a busy test machine (two Jest workers and more) can make a recognition take several seconds.
  const transcriber = (options: Partial<ConstructorParameters<typeof PocketsphinxTranscriber>[0]> = {}) =>
    new PocketsphinxTranscriber({ policy: { timeoutMs: 30_000, retries: 0 }, tmpDir: scratch, ...options });

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'parley-asr-test-'));
    mp3 = encodeMp3((await synthesizeFlite(SENTENCE)).pcm);
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));
  afterEach(async () => expect(await readdir(scratch)).toEqual([])); // temporary files are always removed

  it('transcribes Flite speech after an MP3 round trip', async () => {
    const { text, model } = await transcriber().transcribe(mp3, { language: 'en-US' });
    expect(model).toBe('pocketsphinx');
    for (const word of ['cancel', 'subscription', 'price', 'high']) expect(text.split(' ')).toContain(word);
  });

  it('resamples and mixes down audio that is not 16 kHz mono', async () => {
    const speech = (await synthesizeFlite('Please send me a refund.')).pcm;
    const wide = resampleLinear(speech, 16_000, 24_000);
    const { text } = await transcriber().transcribe(encodeMp3Stereo(wide, wide, 24_000, 64));
    expect(text).toContain('refund');
  });

  it('kills a recogniser that makes no progress within the timeout plus the length of the audio', async () => {
    // 0.1 s of speech (0.2 s of MP3 with the encoder's padding) + 50 ms: less than pocketsphinx needs to load its model.
    const clip = encodeMp3((await synthesizeFlite(SENTENCE)).pcm.subarray(0, 1_600));
    const slow = transcriber({ policy: { timeoutMs: 50, retries: 0 } });
    const started = Date.now();
    const failure = await slow.transcribe(clip).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).cause).toBeInstanceOf(ProviderTimeoutError);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(transcriber().transcribe(mp3, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses unusable audio before starting a process, and fails clearly without the program', async () => {
    await expect(transcriber().transcribe(Buffer.from('not audio at all'))).rejects.toBeInstanceOf(InvalidAudioError);
    const missing = transcriber({ binary: 'pocketsphinx_missing', policy: { timeoutMs: 1_000, retries: 2 } });
    await expect(missing.transcribe(mp3)).rejects.toMatchObject({ name: 'ProviderError', attempts: 1, message: expect.stringContaining('ENOENT') });
  });
});
