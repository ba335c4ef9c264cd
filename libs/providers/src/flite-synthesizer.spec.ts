import { decodeMp3, probeMp3 } from '@parley/audio';
import { FliteSynthesizer } from './flite-synthesizer';

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
