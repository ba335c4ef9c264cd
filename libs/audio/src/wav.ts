import { pcm16FromBytes, toInt16, type Pcm } from './pcm';

/** A 16-bit PCM mono WAV file. */
export function encodeWav(pcm: Pcm, sampleRate: number): Buffer {
  const samples = toInt16(pcm);
  const dataBytes = samples.length * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // channels
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28); // byte rate
  wav.writeUInt16LE(2, 32); // block align
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  Buffer.from(samples.buffer, samples.byteOffset, dataBytes).copy(wav, 44);
  return wav;
}

export interface DecodedWav {
  /** Interleaved when `channels` > 1. */
  pcm: Int16Array;
  sampleRate: number;
  channels: number;
}

/** Reads a 16-bit PCM WAV file, walking its chunks rather than assuming a 44-byte header. */
export function decodeWav(wav: Uint8Array): DecodedWav {
  const view = Buffer.from(wav.buffer, wav.byteOffset, wav.byteLength);
  if (view.length < 12 || view.toString('ascii', 0, 4) !== 'RIFF' || view.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let format: { channels: number; sampleRate: number } | undefined;
  let offset = 12;
  while (offset + 8 <= view.length) {
    const id = view.toString('ascii', offset, offset + 4);
    const size = view.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      const encoding = view.readUInt16LE(body);
      const bits = view.readUInt16LE(body + 14);
      if (encoding !== 1 || bits !== 16) throw new Error(`unsupported WAV encoding ${encoding}/${bits}-bit`);
      format = { channels: view.readUInt16LE(body + 2), sampleRate: view.readUInt32LE(body + 4) };
    } else if (id === 'data') {
      if (!format) throw new Error('WAV data chunk before its fmt chunk');
      // Streaming writers leave the size at 0 or 0xFFFFFFFF: take what is there.
      return { pcm: pcm16FromBytes(view.subarray(body, Math.min(view.length, body + size))), ...format };
    }
    offset = body + size + (size % 2); // chunks are word-aligned
  }
  throw new Error('WAV file has no data chunk');
}
