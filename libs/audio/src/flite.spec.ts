import { FLITE_VOICES, fliteVoice, synthesizeFlite } from './flite';

const rms = (pcm: Int16Array) => Math.sqrt(pcm.reduce((sum, s) => sum + s * s, 0) / pcm.length);

describe('synthesizeFlite', () => {
  it.each(FLITE_VOICES)('speaks with voice %s at 16 kHz', async (voice) => {
    const speech = await synthesizeFlite('Thank you for calling, how can I help?', { voice });
    expect(speech).toMatchObject({ sampleRate: 16_000, voice });
    const seconds = speech.pcm.length / 16_000;
    expect(seconds).toBeGreaterThan(1);
    expect(seconds).toBeLessThan(5);
    expect(rms(speech.pcm)).toBeGreaterThan(300); // audible, not silence
  });

  it('falls back to slt for voices it does not have', async () => {
    expect(fliteVoice('alloy')).toBe('slt');
    expect(fliteVoice(' RMS ')).toBe('rms');
    expect(fliteVoice(undefined)).toBe('slt');
    const speech = await synthesizeFlite('Hello.', { voice: 'nova' });
    expect(speech.voice).toBe('slt');
  });

  it('gives the same audio whether calls run one by one or concurrently', async () => {
    const texts = ['One two three.', 'The quick brown fox.', 'Could you repeat that, please?'];
    const sequential: Int16Array[] = [];
    for (const text of texts) sequential.push((await synthesizeFlite(text)).pcm);
    const concurrent = await Promise.all(texts.map((text) => synthesizeFlite(text)));
    concurrent.forEach((speech, i) => expect(Buffer.from(speech.pcm.buffer).equals(Buffer.from(sequential[i].buffer))).toBe(true));
  });

  it('speaks text that looks like options and strips control characters', async () => {
    const speech = await synthesizeFlite('-voice kal\u0000 minus five\n');
    expect(speech.pcm.length).toBeGreaterThan(8000);
  });

  it('refuses empty text', async () => {
    await expect(synthesizeFlite(' \n ')).rejects.toThrow(RangeError);
  });
});
