import { loadLame, loadMpegDecoder, type MpegDecoded } from './codecs';
import { InvalidAudioError } from './errors';
import { checkOutputRate, refuseEmptyInput } from './mp3-checks';
import { probeMp3 } from './mp3-frames';
import { toInt16, toMono, type Pcm } from './pcm';

/**
 * Mono MP3. Feed 16 kHz at 24 or 32 kbit/s: when LAME picks a different output rate it resamples, and input that
 * starts with silence then comes out silent (24 kHz at 32 kbit/s does that), so the output rate is checked.
 */
export function encodeMp3(pcm: Pcm, sampleRate = 16_000, kbps = 32): Buffer {
  return encode([toInt16(pcm)], sampleRate, kbps);
}

/** Two-channel MP3 (joint stereo). Parley never sends stereo; tests and the fake provider use it to produce some. */
export function encodeMp3Stereo(left: Pcm, right: Pcm, sampleRate = 16_000, kbps = 64): Buffer {
  return encode([toInt16(left), toInt16(right)], sampleRate, kbps);
}

function encode(channels: Int16Array[], sampleRate: number, kbps: number): Buffer {
  const length = Math.min(...channels.map((c) => c.length));
  refuseEmptyInput(length);
  const { Mp3Encoder } = loadLame();
  const encoder = new Mp3Encoder(channels.length, sampleRate, kbps);
  // One call for the whole input: lamejs allocates an output buffer per call, and feeding it frame-sized blocks
  // (as its examples do) makes encoding two to three times slower through garbage collection alone.
  const [left, right] = channels.map((c) => c.subarray(0, length));
  const mp3 = Buffer.concat([Buffer.from(encoder.encodeBuffer(left, right)), Buffer.from(encoder.flush())]);
  checkOutputRate(mp3, sampleRate, kbps);
  return mp3;
}

export interface DecodedMp3 {
  /** Mono samples in [-1, 1]: stereo sources are mixed down. */
  pcm: Float32Array;
  sampleRate: number;
  /** Channels of the source. */
  channels: 1 | 2;
  durationMs: number;
}

/**
 * Decodes an MP3 (mono or stereo) with mpg123 compiled to WebAssembly. The input is validated with
 * {@link probeMp3} first, so garbage is refused with an {@link InvalidAudioError} before the decoder sees it.
 * A decoder instance costs about 3 ms to create, so each call has its own: calls never share decoder state.
 */
export async function decodeMp3(buffer: Uint8Array): Promise<DecodedMp3> {
  const info = probeMp3(buffer, { allowStereo: true });
  const MPEGDecoder = loadMpegDecoder();
  const decoder = new MPEGDecoder();
  let decoded: MpegDecoded;
  try {
    await decoder.ready;
    decoded = decoder.decode(buffer);
  } catch (error) {
    const reason = (error as Error).message;
    throw new InvalidAudioError('undecodable', `The audio could not be decoded (${reason}); record the turn again.`);
  } finally {
    decoder.free();
  }
  if (decoded.samplesDecoded === 0) {
    throw new InvalidAudioError('undecodable', 'The audio decodes to no sound at all; record the turn again.');
  }
  // The decoder always returns two channels; a mono source comes back duplicated.
  const pcm = info.channels === 1 ? decoded.channelData[0] : toMono(decoded.channelData);
  return {
    pcm,
    sampleRate: decoded.sampleRate,
    channels: info.channels,
    durationMs: Math.round((decoded.samplesDecoded * 1000) / decoded.sampleRate),
  };
}
