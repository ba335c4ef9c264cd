import { RT_SAMPLE_RATE } from '@parley/contracts';
import { PcmFramer, StreamResampler } from './stream-capture-resampler';

/** 20 ms at 16 kHz: the usual realtime frame (SPEC §7.1). */
export const FRAME_SAMPLES = RT_SAMPLE_RATE / 50;

/**
 * The worklet only copies the microphone's samples to the page in blocks of 1024 (about 21 ms at 48 kHz); the page
 * resamples the continuous stream. Loaded from a Blob so it ships inside the bundle.
 */
const WORKLET = `
class ParleyStreamCapture extends AudioWorkletProcessor {
  constructor() { super(); this.block = new Float32Array(1024); this.filled = 0; }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) {
      for (let i = 0; i < channel.length; i++) {
        this.block[this.filled++] = channel[i];
        if (this.filled === this.block.length) {
          this.port.postMessage(this.block, [this.block.buffer]);
          this.block = new Float32Array(1024);
          this.filled = 0;
        }
      }
    }
    return true;
  }
}
registerProcessor('parley-stream-capture', ParleyStreamCapture);
`;

const PROCESSING_KEY = 'parley.voiceProcessing';

/** Echo cancellation (with noise suppression and gain control) is on unless the trainee turned it off. */
export const voiceProcessing = {
  get: () => localStorage.getItem(PROCESSING_KEY) !== 'off',
  set: (on: boolean) => localStorage.setItem(PROCESSING_KEY, on ? 'on' : 'off'),
};

export interface StreamCaptureEvents {
  /** A 20 ms frame of 16 kHz mono PCM16, only while {@link StreamCapture.sending}. */
  onFrame(pcm: Int16Array): void;
}

/** Root mean square level of a block mapped to 0..1 for a meter. */
export function blockLevel(samples: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return Math.min(1, Math.sqrt(sum / Math.max(1, samples.length)) * 4);
}

/**
 * Microphone → AudioWorklet → streaming resampler → 20 ms PCM16 frames. Opened once for the microphone check and
 * kept for the practice: frames are delivered only while `sending` is true.
 */
export class StreamCapture {
  sending = false;
  /** The latest input level, 0..1. */
  level = 0;
  private framer = new PcmFramer(FRAME_SAMPLES);

  private constructor(
    private readonly stream: MediaStream,
    private readonly context: AudioContext,
    private readonly node: AudioWorkletNode,
    readonly inputRate: number,
  ) {}

  /** Asks for the microphone; rejects with the browser's NotAllowedError when the trainee refuses. */
  static async open(events: StreamCaptureEvents, processing = voiceProcessing.get()): Promise<StreamCapture> {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: processing, noiseSuppression: processing, autoGainControl: processing },
    });
    const context = new AudioContext();
    try {
      const url = URL.createObjectURL(new Blob([WORKLET], { type: 'text/javascript' }));
      try {
        await context.audioWorklet.addModule(url);
      } finally {
        URL.revokeObjectURL(url);
      }
      const node = new AudioWorkletNode(context, 'parley-stream-capture', { numberOfInputs: 1, numberOfOutputs: 0 });
      const capture = new StreamCapture(stream, context, node, context.sampleRate);
      const resampler = new StreamResampler(context.sampleRate, RT_SAMPLE_RATE);
      node.port.onmessage = (event: MessageEvent<Float32Array>) => {
        const block = event.data;
        capture.level = blockLevel(block);
        // The stream is resampled continuously (also while not sending) so the filter's history is always real.
        const resampled = resampler.process(block);
        const frames = capture.framer.push(resampled);
        if (capture.sending) for (const frame of frames) events.onFrame(frame);
      };
      context.createMediaStreamSource(stream).connect(node);
      if (context.state === 'suspended') await context.resume();
      return capture;
    } catch (error) {
      stream.getTracks().forEach((t) => t.stop());
      await context.close().catch(() => undefined);
      throw error;
    }
  }

  /** Starts delivering frames from the next whole frame on. */
  startSending(): void {
    this.framer = new PcmFramer(FRAME_SAMPLES);
    this.sending = true;
  }

  async close(): Promise<void> {
    this.sending = false;
    this.node.port.onmessage = null;
    this.node.disconnect();
    this.stream.getTracks().forEach((t) => t.stop());
    await this.context.close().catch(() => undefined);
    this.level = 0;
  }
}

/** Words for a microphone that could not be opened. */
export function microphoneProblem(error: unknown): { denied: boolean; message: string } {
  const name = (error as DOMException | undefined)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return { denied: true, message: 'Microphone access was denied.' };
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') {
    return { denied: false, message: 'No microphone was found. Plug one in (or pick one in your system settings), then try again.' };
  }
  if (name === 'NotReadableError') {
    return { denied: false, message: 'The microphone is busy in another application. Close it there, then try again.' };
  }
  return { denied: false, message: `The microphone could not be started (${(error as Error)?.message ?? 'unknown error'}).` };
}
