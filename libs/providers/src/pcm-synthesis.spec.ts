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

    it("keeps a 24 kHz provider's rate and mixes stereo down to mono", async () => {
      fake.enqueue('speech', { speechFormat: { sampleRate: 24_000, channels: 2 } });
      const speech = await synthesizer().synthesizePcm('We plan our routes by hand.', 'Nova');
      expect(speech.sampleRate).toBe(24_000);
      expect(speech.voice).toBe('nova');
      expect(speech.pcm.length / 24_000).toBeGreaterThan(1);
      expect(rms(speech.pcm)).toBeGreaterThan(300);
      expect(fake.requestsTo('speech')[0]!.body).toMatchObject({ input: 'We plan our routes by hand.', voice: 'nova' });
    });

    it('gives 16 kHz speech as it is, and fails like synthesize after its retries', async () => {
      fake.enqueue('speech', { speechFormat: { sampleRate: 16_000 } });
      expect((await synthesizer().synthesizePcm('Sixteen kilohertz.')).sampleRate).toBe(16_000);
      fake.setBehaviour('speech', { status: 500 });
      await expect(synthesizer().synthesizePcm('Down.')).rejects.toBeInstanceOf(ProviderError);
    });
  });
});
