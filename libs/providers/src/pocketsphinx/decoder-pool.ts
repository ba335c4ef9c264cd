import { DEFAULT_DECODER_ARGS, NativeDecoder, lowerWorkerThreadPriority, resolveModel, type PocketsphinxModel } from './native';
import { StreamingRecognizer, type RecognizerOptions } from './recognizer';

export interface DecoderPoolOptions {
  /**
   * Decoders kept warm (≈ 105 MB each; one decodes ≈ 5 speakers in real time on a core). Default 2. Their calls run
   * on libuv's thread pool (4 threads unless `UV_THREADPOOL_SIZE` says more), one call per decoder at a time: keep
   * the size below the thread pool's so file and DNS work still has threads.
   */
  size?: number;
  /** Model files; default the Debian `pocketsphinx-en-us` model. */
  model?: Partial<PocketsphinxModel>;
  /** Decoder options over {@link DEFAULT_DECODER_ARGS}, e.g. `{ '-bestpath': 'yes' }`. */
  args?: Record<string, string>;
  /** Callers that may wait for a decoder at once; one more gets a {@link DecoderPoolBusyError}. Default 256. */
  maxWaiting?: number;
  /** The longest wait for a decoder before a {@link DecoderPoolBusyError}. Default 30 000 ms. */
  acquireTimeoutMs?: number;
  /**
   * Background decoding (e.g. whole turns): after creating a decoder, the nice value given here is applied to every
   * thread of the process but the main one (Linux), so that decoding never starves the services' event loops on a
   * busy node. Default: priorities are left alone (realtime recognition is not background work).
   */
  workerNice?: number;
  /** Unprocessed audio a recogniser holds at most before dropping the oldest (SPEC §7.2: 10 s). Default 10 000 ms. */
  maxPendingMs?: number;
}

export interface DecoderPoolStats {
  size: number;
  /** Decoders that exist or are being created. */
  decoders: number;
  idle: number;
  inUse: number;
  waiting: number;
}

/** No decoder became free in time, or too many callers are already waiting. Worth retrying later. */
export class DecoderPoolBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecoderPoolBusyError';
  }
}

/** The pool was closed. */
export class DecoderPoolClosedError extends Error {
  constructor() {
    super('the pocketsphinx decoder pool is closed');
    this.name = 'DecoderPoolClosedError';
  }
}

/** A decoder lent by a {@link DecoderPool}; give it back with {@link release} (idempotent). */
export class DecoderLease {
  private released = false;

  /** @internal */
  constructor(
    /** @internal */ readonly decoder: NativeDecoder,
    private readonly pool: DecoderPool,
    private readonly maxPendingMs: number | undefined,
  ) {}

  /**
   * A recognition of one utterance on this decoder, which stays leased afterwards (for another utterance, e.g. a
   * retry); {@link DecoderPool.open} is the usual way, returning the decoder with the recognition.
   */
  open(signal?: AbortSignal, options: Omit<RecognizerOptions, 'signal'> = {}): StreamingRecognizer {
    return this.recognizer(() => undefined, { ...options, signal });
  }

  /** The decoder failed and will be freed when the lease is released: open no more recognitions on it. */
  get broken(): boolean {
    return this.decoder.broken;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.pool.giveBack(this);
  }

  /** @internal */
  recognizer(giveBack: () => void, options: RecognizerOptions): StreamingRecognizer {
    if (this.released) throw new Error('the decoder lease was released');
    return new StreamingRecognizer(this.decoder, giveBack, { maxPendingMs: this.maxPendingMs, ...options });
  }
}

interface Waiter {
  grant(decoder: NativeDecoder): void;
  fail(error: unknown): void;
}

/**
 * A small pool of warm pocketsphinx decoders shared by every recognition of a process: creating one takes ≈ 0.56 s
 * and ≈ 105 MB, so decoders are created on first demand (or by {@link warmUp}), at most `size`, one at a time, and
 * lent out for one utterance at a time. Callers beyond `size` wait in arrival order, bounded in number and time, and
 * may give up through their signal. A decoder whose native call failed is freed instead of being lent again.
 */
export class DecoderPool {
  readonly size: number;
  private readonly idle: NativeDecoder[] = [];
  private readonly waiters: Waiter[] = [];
  private decoders = 0;
  private creating = 0;
  private creation: Promise<unknown> = Promise.resolve();
  private closed = false;
  private model: PocketsphinxModel | undefined;
  private readonly args: Record<string, string>;
  private readonly maxWaiting: number;
  private readonly acquireTimeoutMs: number;

  constructor(private readonly options: DecoderPoolOptions = {}) {
    this.size = options.size ?? 2;
    if (!Number.isInteger(this.size) || this.size < 1) throw new RangeError(`DecoderPool size must be a positive integer (got ${options.size})`);
    this.args = { ...DEFAULT_DECODER_ARGS, ...options.args };
    this.maxWaiting = options.maxWaiting ?? 256;
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? 30_000;
  }

  /** Creates the decoders not created yet; rejects with the first failure (e.g. the library is missing). */
  async warmUp(): Promise<void> {
    if (this.closed) throw new DecoderPoolClosedError();
    const created: Array<Promise<NativeDecoder | undefined>> = [];
    while (this.decoders < this.size) created.push(this.create());
    const results = await Promise.allSettled(created);
    for (const result of results) if (result.status === 'fulfilled' && result.value) this.makeIdle(result.value);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Lends a decoder: at once when one is idle, else after creating one (below `size`) or waiting for one. Rejects with
   * the signal's reason on abort, {@link DecoderPoolBusyError} when the wait is too long or too crowded, and the
   * creation error (e.g. {@link PocketsphinxUnavailableError}) when a decoder cannot be created.
   */
  acquire(signal?: AbortSignal): Promise<DecoderLease> {
    if (this.closed) return Promise.reject(new DecoderPoolClosedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    const idle = this.idle.pop();
    if (idle) return Promise.resolve(this.lease(idle));
    if (this.waiters.length >= this.maxWaiting) {
      return Promise.reject(new DecoderPoolBusyError(`${this.waiters.length} callers are already waiting for a pocketsphinx decoder`));
    }
    return new Promise<DecoderLease>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
      };
      const waiter: Waiter = {
        grant: (decoder) => {
          cleanup();
          resolve(this.lease(decoder));
        },
        fail: (error) => {
          cleanup();
          reject(error);
        },
      };
      const onAbort = () => waiter.fail(signal?.reason);
      const timer = setTimeout(
        () => waiter.fail(new DecoderPoolBusyError(`no pocketsphinx decoder became free within ${this.acquireTimeoutMs} ms`)),
        this.acquireTimeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.dispatch();
    });
  }

  /** Gives a leased decoder back (same as `lease.release()`; idempotent). */
  release(lease: DecoderLease): void {
    lease.release();
  }

  /** @internal called once per lease, by {@link DecoderLease.release}. */
  giveBack(lease: DecoderLease): void {
    if (!this.leased.delete(lease)) return;
    const decoder = lease.decoder;
    if (decoder.broken || this.closed) void this.discard(decoder);
    else this.makeIdle(decoder);
  }

  /**
   * A streaming recognition of one utterance on a pooled decoder (see {@link StreamingRecognizer}); the decoder goes
   * back to the pool when the recognition is finished, cancelled or failed. Aborting the signal gives up the wait for a
   * decoder, or cancels the recognition.
   */
  async open(signal?: AbortSignal, options: Omit<RecognizerOptions, 'signal'> = {}): Promise<StreamingRecognizer> {
    const lease = await this.acquire(signal);
    try {
      return lease.recognizer(() => lease.release(), { ...options, signal });
    } catch (error) {
      lease.release();
      throw error;
    }
  }

  stats(): DecoderPoolStats {
    return {
      size: this.size,
      decoders: this.decoders,
      idle: this.idle.length,
      inUse: this.decoders - this.idle.length - this.creating,
      waiting: this.waiters.length,
    };
  }

  /**
   * Refuses new work, fails the waiting callers and frees the idle decoders; a decoder still lent out is freed when it
   * is given back. Resolves once the idle decoders and those being created are freed.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.fail(new DecoderPoolClosedError());
    await this.creation.catch(() => undefined);
    await Promise.all(this.idle.splice(0).map((decoder) => this.discard(decoder)));
  }

  private readonly leased = new Set<DecoderLease>();

  private lease(decoder: NativeDecoder): DecoderLease {
    const lease = new DecoderLease(decoder, this, this.options.maxPendingMs);
    this.leased.add(lease);
    return lease;
  }

  private makeIdle(decoder: NativeDecoder): void {
    if (this.closed) {
      void this.discard(decoder);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter.grant(decoder);
    else this.idle.push(decoder);
  }

  private discard(decoder: NativeDecoder): Promise<void> {
    this.decoders -= 1;
    const freed = decoder.free();
    this.dispatch(); // a waiter may need a replacement
    return freed;
  }

  /** Starts creating decoders for the callers no idle or coming decoder will serve. */
  private dispatch(): void {
    if (this.closed) return;
    while (this.waiters.length > this.creating && this.decoders < this.size) {
      void this.create().then(
        (decoder) => decoder && this.makeIdle(decoder),
        (error: unknown) => {
          this.waiters[0]?.fail(error);
          this.dispatch(); // the others try again (and fail fast if the library is missing)
        },
      );
    }
  }

  /** One decoder more, created after those already being created (two model loads at once only compete for CPU). */
  private create(): Promise<NativeDecoder | undefined> {
    this.decoders += 1;
    this.creating += 1;
    const created = this.creation.then(async () => {
      if (this.closed) return undefined;
      this.model ??= resolveModel(this.options.model);
      const decoder = await NativeDecoder.create(this.model, this.args);
      // The thread pool exists now (creating the decoder ran on it).
      if (this.options.workerNice !== undefined) lowerWorkerThreadPriority(this.options.workerNice);
      return decoder;
    });
    this.creation = created.catch(() => undefined);
    return created.then(
      async (decoder) => {
        this.creating -= 1;
        if (decoder && this.closed) await decoder.free();
        if (!decoder || this.closed) {
          this.decoders -= 1;
          return undefined;
        }
        return decoder;
      },
      (error: unknown) => {
        this.creating -= 1;
        this.decoders -= 1;
        throw error;
      },
    );
  }
}
