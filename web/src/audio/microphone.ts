import { CAPTURE_PROCESSOR, captureWorkletSource } from './capture-worklet';

export type MicrophoneProblem = 'denied' | 'not_found' | 'busy' | 'insecure' | 'unsupported' | 'error';

export const microphoneMessages: Record<MicrophoneProblem, string> = {
  denied:
    'Microphone access is blocked. Allow the microphone for this site (the icon at the left of the address bar), then try again.',
  not_found: 'No microphone was found. Connect one, then try again.',
  busy: 'The microphone is in use by another application or could not be started. Close the other application, then try again.',
  insecure: 'The browser only allows the microphone on a secure page (https or localhost).',
  unsupported: 'This browser cannot record audio here. Use a recent Chrome, Edge, Firefox or Safari.',
  error: 'The microphone could not be started.',
};

export class MicrophoneError extends Error {
  constructor(
    readonly problem: MicrophoneProblem,
    message = microphoneMessages[problem],
  ) {
    super(message);
    this.name = 'MicrophoneError';
  }
}

/** Maps what getUserMedia / Web Audio threw to something a trainee can act on. Pure. */
export function classifyMicrophoneError(error: unknown): MicrophoneError {
  if (error instanceof MicrophoneError) return error;
  const name = (error as { name?: string } | null)?.name ?? '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      return new MicrophoneError('denied');
    case 'SecurityError':
      return new MicrophoneError('insecure');
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return new MicrophoneError('not_found');
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new MicrophoneError('busy');
    case 'NotSupportedError':
      return new MicrophoneError('unsupported');
    default:
      return new MicrophoneError('error', `${microphoneMessages.error} (${(error as Error)?.message ?? String(error)})`);
  }
}

/** The browser's current answer for the microphone permission, when it tells ('prompt' when unknown). */
export async function microphonePermission(): Promise<PermissionState> {
  try {
    const status = await navigator.permissions?.query({ name: 'microphone' as PermissionName });
    return status?.state ?? 'prompt';
  } catch {
    return 'prompt';
  }
}

/**
 * Browser audio processing (echo cancellation, noise suppression, automatic gain) is off by default: turn mode
 * never records while the AI speaks, and speech recognition does best on the raw signal. Setting
 * `localStorage['parley.micProcessing'] = 'on'` turns it on.
 */
function processingWanted(): boolean {
  try {
    return localStorage.getItem('parley.micProcessing') === 'on';
  } catch {
    return false;
  }
}

/**
 * The open microphone: a MediaStream feeding an AudioWorklet that posts PCM blocks to `onBlock`. Kept open for the
 * whole practice so recording starts without delay; `close()` releases the device.
 */
export class Microphone {
  onBlock: ((block: Float32Array) => void) | null = null;
  /** Called when the device goes away (unplugged, permission revoked). */
  onEnded: (() => void) | null = null;
  private closed = false;

  private constructor(
    private readonly stream: MediaStream,
    private readonly context: AudioContext,
    private readonly nodes: AudioNode[],
  ) {
    for (const track of stream.getAudioTracks()) track.addEventListener('ended', () => this.onEnded?.());
  }

  get sampleRate(): number {
    return this.context.sampleRate;
  }

  static async open(): Promise<Microphone> {
    if (!window.isSecureContext) throw new MicrophoneError('insecure');
    if (!navigator.mediaDevices?.getUserMedia || typeof AudioWorkletNode === 'undefined') throw new MicrophoneError('unsupported');
    let stream: MediaStream | undefined;
    let context: AudioContext | undefined;
    try {
      const processing = processingWanted();
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: processing, noiseSuppression: processing, autoGainControl: processing },
        video: false,
      });
      context = new AudioContext({ latencyHint: 'interactive' });
      const url = URL.createObjectURL(new Blob([captureWorkletSource], { type: 'text/javascript' }));
      try {
        await context.audioWorklet.addModule(url);
      } finally {
        URL.revokeObjectURL(url);
      }
      const source = context.createMediaStreamSource(stream);
      const capture = new AudioWorkletNode(context, CAPTURE_PROCESSOR, { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
      // The worklet writes nothing to its output; routing it to the destination through a muted gain keeps the
      // graph pulling it in every browser.
      const mute = context.createGain();
      mute.gain.value = 0;
      source.connect(capture).connect(mute).connect(context.destination);
      const microphone = new Microphone(stream, context, [source, capture, mute]);
      capture.port.onmessage = (event: MessageEvent<Float32Array>) => microphone.onBlock?.(event.data);
      return microphone;
    } catch (error) {
      stream?.getTracks().forEach((t) => t.stop());
      void context?.close().catch(() => undefined);
      throw classifyMicrophoneError(error);
    }
  }

  /** An AudioContext made without a user gesture starts suspended; call from the gesture that starts recording. */
  async resume(): Promise<void> {
    if (this.context.state === 'suspended') await this.context.resume();
  }

  get isOpen(): boolean {
    return !this.closed && this.stream.getAudioTracks().some((t) => t.readyState === 'live');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onBlock = null;
    for (const node of this.nodes) node.disconnect();
    this.stream.getTracks().forEach((t) => t.stop());
    void this.context.close().catch(() => undefined);
  }
}
