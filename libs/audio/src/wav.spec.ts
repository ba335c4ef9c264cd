import { decodeWav, encodeWav } from './wav';

describe('WAV', () => {
  it('round-trips 16-bit mono PCM with a canonical header', () => {
    const pcm = new Int16Array([0, 1000, -1000, 32767, -32768]);
    const wav = encodeWav(pcm, 16_000);
    expect(wav).toHaveLength(44 + pcm.length * 2);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(24)).toBe(16_000);
    const decoded = decodeWav(wav);
    expect(decoded).toMatchObject({ sampleRate: 16_000, channels: 1 });
    expect(Array.from(decoded.pcm)).toEqual(Array.from(pcm));
  });

  it('encodes float samples', () => {
    const decoded = decodeWav(encodeWav(new Float32Array([0.5, -0.5]), 24_000));
    expect(Array.from(decoded.pcm)).toEqual([16384, -16384]);
    expect(decoded.sampleRate).toBe(24_000);
  });

  it('skips unknown chunks and refuses what is not 16-bit PCM WAV', () => {
    const plain = encodeWav(new Int16Array([7, 8]), 16_000);
    const list = Buffer.alloc(8 + 4);
    list.write('LIST', 0, 'ascii');
    list.writeUInt32LE(4, 4);
    const withList = Buffer.concat([plain.subarray(0, 36), list, plain.subarray(36)]);
    expect(Array.from(decodeWav(withList).pcm)).toEqual([7, 8]);

    expect(() => decodeWav(Buffer.from('OggS and more bytes'))).toThrow('not a RIFF/WAVE file');
    const float = Buffer.from(plain);
    float.writeUInt16LE(3, 20);
    expect(() => decodeWav(float)).toThrow('unsupported WAV encoding');
  });
});
