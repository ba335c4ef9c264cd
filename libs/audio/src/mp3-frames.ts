import { InvalidAudioError } from './errors';

/**
 * MPEG audio Layer III frame walking: validates an MP3 without decoding it, fast enough to accept a trainee turn
 * inside its 500 ms budget (a 128 KB file is about a thousand frame headers).
 */

export interface Mp3Info {
  sampleRate: number;
  /** 2 when any frame is stereo, joint stereo or dual channel. */
  channels: 1 | 2;
  /** Complete audio frames (an Xing/Info/VBRI header frame is not audio and is not counted). */
  frames: number;
  durationMs: number;
  /** Mean bitrate over the audio frames. */
  bitrateKbps: number;
}

export interface ProbeOptions {
  /** Trainee turns must be mono; decoding provider output may accept stereo. */
  allowStereo?: boolean;
}

interface FrameHeader {
  mpeg1: boolean;
  sampleRate: number;
  bitrateKbps: number;
  channels: 1 | 2;
  /** Bytes in the frame, header included. */
  length: number;
  samples: number;
}

const BITRATES_MPEG1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_MPEG2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
/** Indexed by the 2-bit version field: MPEG 2.5, reserved, MPEG 2, MPEG 1. */
const SAMPLE_RATES: ReadonlyArray<readonly number[] | null> = [
  [11025, 12000, 8000],
  null,
  [22050, 24000, 16000],
  [44100, 48000, 32000],
];

/** A Layer III frame header at `offset`, or null when the four bytes there are not one. */
function parseHeader(bytes: Uint8Array, offset: number): FrameHeader | null {
  if (offset + 4 > bytes.length) return null;
  const [b0, b1, b2, b3] = [bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3]];
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return null; // 11-bit frame sync
  const version = (b1 >> 3) & 0x03;
  const layer = (b1 >> 1) & 0x03;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 0x03;
  const rates = SAMPLE_RATES[version];
  // Layer bits 01 = Layer III; free-format (0) and bad (15) bitrates, reserved rates and emphasis are refused.
  if (!rates || layer !== 0x01 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3 || (b3 & 0x03) === 2) {
    return null;
  }
  const mpeg1 = version === 3;
  const sampleRate = rates[rateIndex];
  const bitrateKbps = (mpeg1 ? BITRATES_MPEG1 : BITRATES_MPEG2)[bitrateIndex];
  const padding = (b2 >> 1) & 0x01;
  const length = Math.floor(((mpeg1 ? 144_000 : 72_000) * bitrateKbps) / sampleRate) + padding;
  return { mpeg1, sampleRate, bitrateKbps, channels: b3 >> 6 === 3 ? 1 : 2, length, samples: mpeg1 ? 1152 : 576 };
}

/** Size of an ID3v2 tag at the start, 0 when there is none. */
function id3v2Size(bytes: Uint8Array): number {
  if (bytes.length < 3 || bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) return 0; // "ID3"
  const cutShort = () => new InvalidAudioError('truncated', 'The audio ends inside its ID3 tag; record the turn again.');
  if (bytes.length < 10) throw cutShort();
  // Syncsafe integer: 7 bits per byte.
  const size = ((bytes[6] & 0x7f) << 21) | ((bytes[7] & 0x7f) << 14) | ((bytes[8] & 0x7f) << 7) | (bytes[9] & 0x7f);
  const footer = bytes[5] & 0x10 ? 10 : 0;
  const total = 10 + size + footer;
  if (total > bytes.length) throw cutShort();
  return total;
}

/** The first frame of a VBR file may be a header frame (Xing/Info from LAME, VBRI from Fraunhofer) with no audio. */
function isTagFrame(bytes: Uint8Array, offset: number, header: FrameHeader): boolean {
  const sideInfo = header.mpeg1 ? (header.channels === 1 ? 17 : 32) : header.channels === 1 ? 9 : 17;
  const tagAt = (at: number, tag: string) =>
    at + 4 <= bytes.length && String.fromCharCode(...bytes.subarray(at, at + 4)) === tag;
  const xing = offset + 4 + sideInfo;
  return tagAt(xing, 'Xing') || tagAt(xing, 'Info') || tagAt(offset + 36, 'VBRI');
}

/** Names a container that is not MP3, so the error tells the client what it actually sent. */
function sniffFormat(bytes: Uint8Array): string | null {
  const ascii = (start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'WAV';
  if (ascii(0, 4) === 'OggS') return 'Ogg';
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return 'WebM';
  if (ascii(0, 4) === 'fLaC') return 'FLAC';
  if (ascii(4, 8) === 'ftyp') return 'MP4';
  return null;
}

const isZero = (bytes: Uint8Array) => bytes.every((b) => b === 0);
const isId3v1 = (bytes: Uint8Array, offset: number) =>
  bytes.length - offset === 128 && bytes[offset] === 0x54 && bytes[offset + 1] === 0x41 && bytes[offset + 2] === 0x47; // "TAG"

/**
 * Validates an MP3 by walking its frame headers: it must start with a Layer III frame (after an optional ID3v2 tag)
 * and continue frame by frame with the same version and sample rate to the end. An ID3v1 tag, zero padding and an
 * incomplete last frame are tolerated at the end; anything else is refused with an {@link InvalidAudioError}.
 */
export function probeMp3(buffer: Uint8Array, options: ProbeOptions = {}): Mp3Info {
  if (buffer.length === 0) throw new InvalidAudioError('empty', 'The audio is empty; record the turn again.');
  const firstOffset = id3v2Size(buffer);
  let offset = firstOffset;
  if (offset === buffer.length) {
    throw new InvalidAudioError('no_frames', 'The audio has a tag but no MP3 frames; record the turn again.');
  }
  const first = parseHeader(buffer, offset);
  if (!first) {
    if (buffer.length - offset < 4 && buffer[offset] === 0xff) {
      throw new InvalidAudioError('truncated', 'The audio ends inside its first MP3 frame header; record the turn again.');
    }
    const format = sniffFormat(buffer.subarray(offset));
    throw new InvalidAudioError('not_mp3', `The audio is ${format ? `${format}, ` : ''}not MP3; send mono MP3.`);
  }

  let frames = 0;
  let samples = 0;
  let bits = 0;
  let channels: 1 | 2 = 1;
  let tagFrame = false;
  while (offset < buffer.length) {
    const header = parseHeader(buffer, offset);
    if (!header) {
      if (isId3v1(buffer, offset) || isZero(buffer.subarray(offset))) break;
      // Fewer than four bytes left: a frame header cut short by truncation.
      if (buffer.length - offset < 4) break;
      throw new InvalidAudioError('corrupt', `The audio is damaged after ${frames} MP3 frames; record the turn again.`);
    }
    if (header.mpeg1 !== first.mpeg1 || header.sampleRate !== first.sampleRate) {
      throw new InvalidAudioError('corrupt', 'The audio changes format mid-stream; send one mono MP3 recording.');
    }
    if (offset + header.length > buffer.length) break; // an incomplete last frame: the audio was cut short
    if (offset === firstOffset && isTagFrame(buffer, offset, header)) {
      tagFrame = true;
    } else {
      frames += 1;
      samples += header.samples;
      bits += header.length * 8;
      if (header.channels === 2) channels = 2;
    }
    offset += header.length;
  }
  if (frames === 0 && tagFrame) {
    throw new InvalidAudioError('no_frames', 'The audio has an MP3 header but no sound frames; record the turn again.');
  }
  if (frames === 0) {
    throw new InvalidAudioError('truncated', 'The audio holds no complete MP3 frame; record the turn again.');
  }
  if (channels === 2 && !options.allowStereo) {
    throw new InvalidAudioError('stereo', 'The audio is stereo (two channels); record and send mono MP3 (one channel).');
  }
  const seconds = samples / first.sampleRate;
  return {
    sampleRate: first.sampleRate,
    channels,
    frames,
    durationMs: Math.round(seconds * 1000),
    bitrateKbps: Math.round(bits / seconds / 1000),
  };
}

/** Duration from the frame headers, without decoding; stereo is accepted. */
export function mp3DurationMs(buffer: Uint8Array): number {
  return probeMp3(buffer, { allowStereo: true }).durationMs;
}
