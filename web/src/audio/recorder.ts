import { Mp3Encoder } from '@breezystack/lamejs';
import { MAX_TURN_AUDIO_BYTES } from '@parley/contracts';
import { TARGET_RATE, level, resample, toInt16 } from './resample';

const KBPS = 32;
/** Stop a little before the limit: the final flush adds a frame or two. */
const SAFETY_BYTES = 2 * 1024;

export interface RecorderEvents {
  onLevel(level: number): void;
  onSize(bytes: number): void;
  /** The recording stopped by itself because the next block would exceed the size limit. */
  onLimit(): void;
}

/**
 * Microphone → AudioWorklet → 16 kHz mono → MP3 (lamejs, 32 kbps) in the page, encoding as it records so the
 * size is known at every moment and the recording stops before the 128 KB turn limit.
 */
export class TurnRecorder {
  private context: AudioContext | null = null;
  private stream: MediaStream | null = null;
  private node: AudioWorkletNode | null = null;
  private encoder: Mp3Encoder | null = null;
  private chunks: Uint8Array[] = [];
  private bytes = 0;
  startedAt = new Date();

  constructor(private readonly events: RecorderEvents) {}

  /** Asks for the microphone; throws the browser's NotAllowedError when the trainee refuses. */
  async start(): Promise<void> {
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
    this.context = new AudioContext();
    await this.context.audioWorklet.addModule('/capture-worklet.js');
    const source = this.context.createMediaStreamSource(this.stream);
    this.node = new AudioWorkletNode(this.context, 'parley-capture');
    this.encoder = new Mp3Encoder(1, TARGET_RATE, KBPS);
    this.chunks = [];
    this.bytes = 0;
    this.startedAt = new Date();
    const rate = this.context.sampleRate;
    this.node.port.onmessage = (event: MessageEvent<Float32Array>) => {
      // Blocks still in flight after stop() find no encoder.
      if (!this.encoder) return;
      const block = event.data;
      this.events.onLevel(level(block));
      const mp3 = this.encoder!.encodeBuffer(toInt16(resample(block, rate, TARGET_RATE)));
      if (this.bytes + mp3.length > MAX_TURN_AUDIO_BYTES - SAFETY_BYTES) {
        this.events.onLimit();
        return;
      }
      if (mp3.length) {
        this.chunks.push(new Uint8Array(mp3));
        this.bytes += mp3.length;
        this.events.onSize(this.bytes);
      }
    };
    source.connect(this.node);
  }

  /** Stops and returns the MP3 with the turn's timestamps. */
  async stop(): Promise<{ mp3: Uint8Array; startedAt: Date; endedAt: Date }> {
    const endedAt = new Date();
    if (this.encoder) {
      const tail = this.encoder.flush();
      if (tail.length) this.chunks.push(new Uint8Array(tail));
    }
    this.node?.disconnect();
    this.stream?.getTracks().forEach((t) => t.stop());
    await this.context?.close();
    const mp3 = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const chunk of this.chunks) {
      mp3.set(chunk, offset);
      offset += chunk.length;
    }
    this.context = null;
    this.encoder = null;
    return { mp3, startedAt: this.startedAt, endedAt };
  }
}
