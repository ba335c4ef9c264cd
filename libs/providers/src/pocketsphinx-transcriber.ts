import { decodeMp3, resampleLinear, toInt16 } from '@parley/audio';
import { callProvider, type Attempt, type CallPolicy } from './call';
import { ProviderError } from './errors';
import { DecoderPool, POCKETSPHINX_SAMPLE_RATE, type DecoderLease } from './pocketsphinx';
import type { TranscribeOptions, Transcriber, Transcription } from './types';

export interface PocketsphinxOptions {
  policy: CallPolicy;
  /**
   * Decoders kept warm by the transcriber's own pool (≈ 105 MB each; each recognition takes one core while it runs).
   * Default 2. Ignored when `pool` is given.
   */
  concurrency?: number;
  /** A pool to share with other recognitions (e.g. realtime sessions) instead of the transcriber's own. */
  pool?: DecoderPool;
  /**
   * Acoustic model directory, language model and dictionary; default the Debian `pocketsphinx-en-us` model (the
   * language option is then English whatever is asked). Ignored when `pool` is given.
   */
  hmm?: string;
  lm?: string;
  dict?: string;
}

/** Nice value of the decoding threads of the transcriber's own pool. */
const BACKGROUND_NICE = 10;

/** Audio handed to the recogniser per write: 1 s. */
const WRITE_SAMPLES = POCKETSPHINX_SAMPLE_RATE;

/**
 * Offline transcription of a whole turn with CMU pocketsphinx, in-process: the MP3 is decoded to 16 kHz mono PCM and
 * streamed into a warm decoder from a {@link DecoderPool} (no model load per turn, no temporary file, no child
 * process); decoding runs on worker threads, never on the event loop, and (own pool) at a lower priority, as the
 * recogniser processes used to. Waiting for a free decoder does not count against the timeout; each attempt is
 * abandoned (and its decoder reset) after `timeoutMs` without a decoded chunk, or when the caller aborts.
 */
export class PocketsphinxTranscriber implements Transcriber {
  readonly name = 'pocketsphinx';
  /** The decoders used; created on the first transcription (or by `pool.warmUp()`). */
  readonly pool: DecoderPool;

  constructor(private readonly options: PocketsphinxOptions) {
    const { hmm, lm, dict } = options;
    // Turn transcription is background work: on a busy node it must not starve turn acknowledgements.
    this.pool = options.pool ?? new DecoderPool({ size: options.concurrency ?? 2, model: { hmm, lm, dict }, workerNice: BACKGROUND_NICE });
  }

  async transcribe(mp3: Buffer, { signal }: TranscribeOptions = {}): Promise<Transcription> {
    const decoded = await decodeMp3(mp3); // InvalidAudioError for unusable input, before any decoder is taken
    const pcm = toInt16(resampleLinear(decoded.pcm, decoded.sampleRate, POCKETSPHINX_SAMPLE_RATE));
    let lease = await this.acquire(signal);
    try {
      const text = await callProvider('transcription', this.options.policy, signal, async (attempt) => {
        if (lease.broken) {
          // A native call failed in the previous attempt: retry on another decoder (this wait is part of the attempt).
          lease.release();
          lease = await this.pool.acquire(attempt.signal);
        }
        return recognise(lease, pcm, attempt);
      });
      return { text, model: 'pocketsphinx' };
    } finally {
      lease.release();
    }
  }

  /** Frees the decoders of the transcriber's pool (a shared pool is its owner's to close). */
  async close(): Promise<void> {
    if (!this.options.pool) await this.pool.close();
  }

  private async acquire(signal: AbortSignal | undefined): Promise<DecoderLease> {
    try {
      return await this.pool.acquire(signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      // No decoder: the library or model is missing, or the pool is overwhelmed.
      throw new ProviderError('transcription', 1, error);
    }
  }
}

async function recognise(lease: DecoderLease, pcm: Int16Array, attempt: Attempt): Promise<string> {
  // The whole turn is written at once: nothing may be dropped however far decoding is behind.
  const recognition = lease.open(attempt.signal, { maxPendingMs: Infinity });
  recognition.onProgress(() => attempt.progress());
  for (let at = 0; at < pcm.length; at += WRITE_SAMPLES) recognition.write(pcm.subarray(at, at + WRITE_SAMPLES));
  return recognition.finish();
}
