import { TURN_BITRATE_KBPS, TURN_SAMPLE_RATE } from './size-budget';

/** What the page needs from LAME (`@breezystack/lamejs`' Mp3Encoder). */
export interface Mp3EncoderLike {
  encodeBuffer(left: Int16Array, right?: Int16Array): Uint8Array | Int8Array;
  flush(): Uint8Array | Int8Array;
}

export type Mp3EncoderFactory = (channels: number, sampleRate: number, kbps: number) => Mp3EncoderLike;

/**
 * Mono MP3 encoding as samples arrive, counting bytes as they come out. LAME is injected so the logic runs in the
 * browser (ES module build of lamejs, see `lame.ts`) and under Jest (the classic-script build).
 */
export class StreamingMp3Encoder {
  private readonly encoder: Mp3EncoderLike;
  private readonly chunks: Uint8Array[] = [];
  private written = 0;
  private encoded = 0;
  private finished = false;

  constructor(
    factory: Mp3EncoderFactory,
    readonly sampleRate = TURN_SAMPLE_RATE,
    readonly kbps = TURN_BITRATE_KBPS,
  ) {
    this.encoder = factory(1, sampleRate, kbps);
  }

  /** Samples fed so far. */
  get samples(): number {
    return this.encoded;
  }

  /** MP3 bytes produced so far (LAME holds a frame or two back until the next call or the flush). */
  get bytes(): number {
    return this.written;
  }

  encode(pcm: Int16Array): void {
    if (this.finished) throw new Error('encoder already finished');
    if (pcm.length === 0) return;
    this.keep(this.encoder.encodeBuffer(pcm));
    this.encoded += pcm.length;
  }

  /** Flushes LAME and returns the whole MP3. */
  finish(): Uint8Array {
    if (!this.finished) {
      this.finished = true;
      this.keep(this.encoder.flush());
    }
    const out = new Uint8Array(this.written);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  private keep(data: Uint8Array | Int8Array): void {
    if (data.length === 0) return;
    // lamejs returns views on buffers it may reuse: copy.
    const copy = new Uint8Array(data.length);
    copy.set(new Uint8Array(data.buffer, data.byteOffset, data.length));
    this.chunks.push(copy);
    this.written += copy.length;
  }
}
