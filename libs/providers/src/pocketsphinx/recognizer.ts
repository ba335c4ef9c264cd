import { POCKETSPHINX_SAMPLE_RATE, type NativeDecoder } from './native';

/** Samples handed to the decoder in one call at most (0.5 s of audio, ≈ 100 ms of work on one core). */
const MAX_CHUNK_SAMPLES = POCKETSPHINX_SAMPLE_RATE / 2;

export interface RecognizerOptions {
  /** Aborting cancels the recognition; {@link StreamingRecognizer.finish} then rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Unprocessed audio held at most, in ms (default 10 000): when decoding falls behind, the oldest audio is dropped
   * and counted in {@link StreamingRecognizer.droppedMs}.
   */
  maxPendingMs?: number;
}

type State = 'open' | 'finishing' | 'done' | 'cancelled' | 'failed';

/**
 * One utterance recognised as it is spoken: `write` 16 kHz mono PCM16 in frames of any size, read `partial()` at any
 * time, then `finish()` for the final text, or `cancel()`. Audio is decoded in the background, in order, on koffi's
 * worker threads; the decoder goes back to its owner (the pool) once the recognition is finished, cancelled or failed.
 */
export class StreamingRecognizer {
  private state: State = 'open';
  private readonly pending: Int16Array[] = [];
  private pendingSamples = 0;
  private processedSamples = 0;
  private droppedSamples = 0;
  private text = '';
  private failure: unknown;
  private pump: Promise<void> | undefined;
  private finished: Promise<string> | undefined;
  private cancelled: Promise<void> | undefined;
  private readonly started: Promise<void>;
  private readonly listeners = new Set<(text: string) => void>();
  private readonly progressListeners = new Set<() => void>();
  private readonly maxPendingSamples: number;
  private readonly signal: AbortSignal | undefined;
  private readonly onAbort = () => void this.cancel();
  private returned = false;
  /** `ps_end_utt` was queued: a second one would fail and break the decoder. */
  private ended = false;

  /** @param giveBack called once, when the decoder is no longer used by this recognition. */
  constructor(
    private readonly decoder: NativeDecoder,
    private readonly giveBack: () => void,
    options: RecognizerOptions = {},
  ) {
    this.maxPendingSamples = Math.max(MAX_CHUNK_SAMPLES, ((options.maxPendingMs ?? 10_000) * POCKETSPHINX_SAMPLE_RATE) / 1000);
    this.signal = options.signal;
    this.started = decoder.startUtterance();
    this.started.catch((error: unknown) => this.fail(error));
    if (this.signal?.aborted) void this.cancel();
    else this.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Queues audio for decoding (copied: the caller may reuse its buffer). Throws once the recognition is over. */
  write(pcm: Int16Array): void {
    if (!isInt16Array(pcm)) throw new TypeError('StreamingRecognizer.write expects an Int16Array of 16 kHz mono samples');
    if (this.state !== 'open') throw this.state === 'failed' ? this.failure : new Error(`the recognition is already ${this.state}`);
    if (pcm.length === 0) return;
    this.pending.push(pcm.slice());
    this.pendingSamples += pcm.length;
    this.dropOverflow();
    this.pump ??= this.drain();
  }

  /** The best hypothesis so far ('' before any word). */
  partial(): string {
    return this.text;
  }

  /** Called with the new text each time the hypothesis changes; returns the unsubscribe function. */
  onPartial(listener: (text: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after each piece of audio is decoded (e.g. to keep a no-progress timer alive). */
  onProgress(listener: () => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /** Audio decoded so far, in ms. */
  get processedMs(): number {
    return (this.processedSamples * 1000) / POCKETSPHINX_SAMPLE_RATE;
  }

  /** Audio written but not decoded yet, in ms. */
  get pendingMs(): number {
    return (this.pendingSamples * 1000) / POCKETSPHINX_SAMPLE_RATE;
  }

  /** Audio dropped because decoding fell more than `maxPendingMs` behind, in ms. */
  get droppedMs(): number {
    return (this.droppedSamples * 1000) / POCKETSPHINX_SAMPLE_RATE;
  }

  /**
   * Ends the utterance once every written frame is decoded and resolves with the final hypothesis; the decoder goes
   * back to the pool. Rejects when the recognition failed or was cancelled (with the signal's reason if aborted).
   */
  finish(): Promise<string> {
    if (this.finished) return this.finished;
    if (this.state === 'cancelled') return Promise.reject(this.cancelReason());
    if (this.state === 'failed') return Promise.reject(this.failure);
    this.state = 'finishing';
    this.finished = this.complete();
    return this.finished;
  }

  /**
   * Stops at once: unprocessed audio is dropped, a running {@link finish} rejects, and the decoder goes back to the
   * pool as soon as its current call returns (at most one chunk, ≈ 100 ms). Resolves then; never rejects.
   */
  cancel(): Promise<void> {
    if (this.cancelled) return this.cancelled;
    if (this.state === 'done' || this.state === 'failed') return Promise.resolve();
    this.state = 'cancelled';
    this.clearPending();
    // Queued now, behind the call running (if any): the decoder must be out of the utterance before the next
    // recognition on it starts one, and that one may be opened as soon as this returns.
    let ending: Promise<void> = Promise.resolve();
    if (!this.ended) {
      this.ended = true;
      ending = this.decoder.endUtterance().catch(() => undefined);
    }
    this.cancelled = (async () => {
      await ending;
      await this.pump;
      this.returnDecoder();
    })();
    return this.cancelled;
  }

  private async complete(): Promise<string> {
    try {
      await this.started;
      while (this.pump) await this.pump;
      this.throwIfStopped();
      this.ended = true;
      await this.decoder.endUtterance();
      const text = await this.decoder.hypothesis();
      this.throwIfStopped();
      this.state = 'done';
      this.setText(text);
      this.returnDecoder();
      return text;
    } catch (error) {
      if (this.state === 'cancelled') {
        await this.cancelled;
        throw this.cancelReason();
      }
      this.fail(error);
      throw error;
    }
  }

  /** Decodes pending audio in order, in chunks, until none is left; one run at a time. */
  private async drain(): Promise<void> {
    try {
      await this.started;
      while (this.pendingSamples > 0 && (this.state === 'open' || this.state === 'finishing')) {
        const chunk = this.takeChunk();
        await this.decoder.process(chunk);
        this.processedSamples += chunk.length;
        // The partial is read once decoding has caught up, and not once finishing: each read is one more trip to a
        // worker thread and back through the event loop, and behind or finishing, newer text or the final follows.
        if (this.state === 'open' && this.pendingSamples === 0) {
          const text = await this.decoder.hypothesis();
          if (this.state !== 'open' && this.state !== 'finishing') break;
          this.setText(text);
        }
        for (const listener of this.progressListeners) listener();
      }
    } catch (error) {
      this.fail(error);
    } finally {
      this.pump = undefined;
    }
  }

  private takeChunk(): Int16Array {
    const size = Math.min(this.pendingSamples, MAX_CHUNK_SAMPLES);
    const chunk = new Int16Array(size);
    let filled = 0;
    while (filled < size) {
      const head = this.pending[0]!;
      const take = Math.min(head.length, size - filled);
      chunk.set(head.subarray(0, take), filled);
      filled += take;
      if (take === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(take);
    }
    this.pendingSamples -= size;
    return chunk;
  }

  private dropOverflow(): void {
    while (this.pendingSamples > this.maxPendingSamples) {
      const excess = this.pendingSamples - this.maxPendingSamples;
      const head = this.pending[0]!;
      const drop = Math.min(head.length, excess);
      if (drop === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(drop);
      this.pendingSamples -= drop;
      this.droppedSamples += drop;
    }
  }

  private clearPending(): void {
    this.pending.length = 0;
    this.pendingSamples = 0;
  }

  private setText(text: string): void {
    if (text === this.text) return;
    this.text = text;
    for (const listener of this.listeners) listener(text);
  }

  private fail(error: unknown): void {
    if (this.state === 'done' || this.state === 'cancelled' || this.state === 'failed') return;
    this.state = 'failed';
    this.failure = error;
    this.clearPending();
    // A failed call leaves the decoder broken: the pool frees it instead of lending it again.
    void (async () => {
      await this.pump;
      this.returnDecoder();
    })();
  }

  private throwIfStopped(): void {
    if (this.state === 'cancelled') throw this.cancelReason();
    if (this.state === 'failed') throw this.failure;
  }

  private cancelReason(): unknown {
    return this.signal?.aborted ? this.signal.reason : new DOMException('The recognition was cancelled', 'AbortError');
  }

  private returnDecoder(): void {
    if (this.returned) return;
    this.returned = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.listeners.clear();
    this.progressListeners.clear();
    this.giveBack();
  }
}

/** Also true for arrays from another realm (a worker, a VM context such as Jest's), where `instanceof` fails. */
function isInt16Array(value: unknown): value is Int16Array {
  return value instanceof Int16Array || Object.prototype.toString.call(value) === '[object Int16Array]';
}
