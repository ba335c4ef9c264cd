// The fake lives in @parley/testing; imported by path so this suite does not load the infrastructure helpers.
import { startFakeOpenAi, type FakeOpenAi } from '../../testing/src/fake-openai-server';
import type { CallPolicy } from './call';
import { ProviderError } from './errors';
import { FliteSynthesizer } from './flite-synthesizer';
import { openAiClient } from './openai/client';
import { OpenAiSynthesizer } from './openai/openai-synthesizer';

const rms = (pcm: Int16Array) => Math.sqrt(pcm.reduce((sum, s) => sum + s * s, 0) / Math.max(1, pcm.length));

/** `synthesizePcm`: the same speech as `synthesize`, as raw mono PCM16 for live playback (SPEC §7). */
describe('raw PCM synthesis', () => {
  it('Flite gives its own 16 kHz samples', async () => {
    const speech = await new FliteSynthesizer().synthesizePcm('Good morning, how can I help you today?', 'awb');
    expect(speech.sampleRate).toBe(16_000);
    expect(speech.voice).toBe('awb');
    expect(speech.pcm).toBeInstanceOf(Int16Array);
    expect(speech.pcm.length / 16_000).toBeGreaterThan(1);
    expect(rms(speech.pcm)).toBeGreaterThan(300);
    await expect(new FliteSynthesizer().synthesizePcm('   ')).rejects.toBeInstanceOf(ProviderError);
    const aborted = new AbortController();
    aborted.abort(new Error('stop'));
    await expect(new FliteSynthesizer().synthesizePcm('Hello', undefined, { signal: aborted.signal })).rejects.toThrow('stop');
  });

  describe('OpenAI-compatible', () => {
    let fake: FakeOpenAi;
    const policy: CallPolicy = { timeoutMs: 2_000, retries: 1, backoffMs: 10 };
    beforeAll(async () => {
      fake = await startFakeOpenAi();
    });
    afterAll(() => fake.close());
    beforeEach(() => fake.reset());

    const synthesizer = () =>
      new OpenAiSynthesizer({ client: openAiClient({ baseUrl: fake.url, apiKey: 'k' }, policy), model: 'tts', policy, defaultVoice: 'alloy' });

    it('asks for raw PCM: 24 kHz samples, nothing to decode', async () => {
      const speech = await synthesizer().synthesizePcm('We plan our routes by hand.', 'Nova');
      expect(speech.sampleRate).toBe(24_000);
      expect(speech.voice).toBe('nova');
      expect(speech.pcm.length / 24_000).toBeGreaterThan(1);
      expect(rms(speech.pcm)).toBeGreaterThan(300);
      expect(fake.requestsTo('speech')[0]!.body).toMatchObject({ input: 'We plan our routes by hand.', voice: 'nova', response_format: 'pcm' });
    });

    it("asks a server that refuses pcm for MP3, from then on, keeping a 24 kHz provider's rate and mixing stereo down", async () => {
      fake.setBehaviour('speech', { speechFormats: ['mp3'], speechFormat: { sampleRate: 24_000, channels: 2 } });
      const voice = synthesizer();
      const first = await voice.synthesizePcm('We plan our routes by hand.');
      expect(first.sampleRate).toBe(24_000);
      expect(first.pcm.length / 24_000).toBeGreaterThan(1);
      expect(rms(first.pcm)).toBeGreaterThan(300);
      await voice.synthesizePcm('Again.');
      expect(fake.requestsTo('speech').map((r) => r.body.response_format)).toEqual(['pcm', 'mp3', 'mp3']);
    });

    it('decodes MP3 sent by a server that ignores the format, and gives 16 kHz speech as it is', async () => {
      fake.setBehaviour('speech', { speechFormats: ['mp3'], unknownFormat: 'ignore', speechFormat: { sampleRate: 16_000 } });
      const voice = synthesizer();
      expect((await voice.synthesizePcm('Sixteen kilohertz.')).sampleRate).toBe(16_000);
      expect(rms((await voice.synthesizePcm('Sixteen kilohertz.')).pcm)).toBeGreaterThan(300);
      // Nothing was refused: it is still asked for pcm.
      expect(fake.requestsTo('speech').map((r) => r.body.response_format)).toEqual(['pcm', 'pcm']);
    });

    it('fails like synthesize after its retries, and takes no other refusal for a refused format', async () => {
      fake.setBehaviour('speech', { status: 500 });
      await expect(synthesizer().synthesizePcm('Down.')).rejects.toBeInstanceOf(ProviderError);
      expect(fake.requestsTo('speech').map((r) => r.body.response_format)).toEqual(['pcm', 'pcm']);
      fake.reset();
      fake.enqueue('speech', { status: 401 });
      await expect(synthesizer().synthesizePcm('Bad key.')).rejects.toBeInstanceOf(ProviderError);
      expect(fake.requestsTo('speech')).toHaveLength(1); // a 401 is not a refused format
    });
  });
});
