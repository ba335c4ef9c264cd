import { existsSync, readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import path from 'node:path';

/**
 * CMU pocketsphinx in-process, through the koffi FFI, on Debian's shared libraries (`libpocketsphinx.so.3`,
 * `libsphinxbase.so.3`, version 5prealpha). Every call that does real work (creating a decoder, processing audio,
 * ending an utterance, reading the hypothesis) runs on one of koffi's worker threads, so the event loop is never
 * blocked by a decoder; the calls of one decoder are serialised by {@link NativeDecoder}.
 */

/** The Debian packages that provide the libraries and the US English model. */
export const POCKETSPHINX_PACKAGES = ['pocketsphinx', 'libpocketsphinx3', 'pocketsphinx-en-us'] as const;

/** The only sample rate the en-US model accepts: audio is 16 kHz mono PCM16. */
export const POCKETSPHINX_SAMPLE_RATE = 16_000;

/** The libraries or the model are not on this machine. Not worth retrying. */
export class PocketsphinxUnavailableError extends Error {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      `pocketsphinx is not available: ${detail}. Install the Debian packages ${POCKETSPHINX_PACKAGES.join(', ')} ` +
        '(apt-get install pocketsphinx pocketsphinx-en-us)',
      options,
    );
    this.name = 'PocketsphinxUnavailableError';
  }
}

/** A native call failed (a negative status, no decoder): the decoder is not used again. */
export class PocketsphinxDecoderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PocketsphinxDecoderError';
  }
}

/** Acoustic model directory, language model and pronunciation dictionary. */
export interface PocketsphinxModel {
  hmm: string;
  lm: string;
  dict: string;
}

const DEBIAN_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

/** The `pocketsphinx-en-us` model, or the given files; a clear error when any of them is missing. */
export function resolveModel(model: Partial<PocketsphinxModel> = {}): PocketsphinxModel {
  const resolved: PocketsphinxModel = {
    hmm: model.hmm ?? path.join(DEBIAN_MODEL_DIR, 'en-us'),
    lm: model.lm ?? path.join(DEBIAN_MODEL_DIR, 'en-us.lm.bin'),
    dict: model.dict ?? path.join(DEBIAN_MODEL_DIR, 'cmudict-en-us.dict'),
  };
  for (const [what, file] of Object.entries(resolved)) {
    if (!existsSync(file)) throw new PocketsphinxUnavailableError(`the ${what} file ${file} does not exist`);
  }
  return resolved;
}

/**
 * Decoder settings that are not files. The defaults favour latency: no second pass (`-fwdflat no -bestpath no`:
 * the final hypothesis is ready ≈ 60 ms after the end of the utterance instead of ≈ 270 ms, same words), and the
 * tighter pruning the command-line recogniser used here (`-maxhmmpf 3000 -topn 2`). The main search runs
 * `-pl_window` frames behind the phone loop and catches up at the utterance's end: 5 frames instead of 10 halves that
 * end (≈ 9 → 5 ms) at the same speed and word error rate on Flite speech.
 */
export const DEFAULT_DECODER_ARGS: Readonly<Record<string, string>> = {
  '-fwdflat': 'no',
  '-bestpath': 'no',
  '-maxhmmpf': '3000',
  '-topn': '2',
  '-pl_window': '5',
};

type Koffi = typeof import('koffi');
type Fn = ReturnType<ReturnType<Koffi['load']>['func']>;

interface Binding {
  cmdLnInit: Fn;
  cmdLnFree: Fn;
  psArgs: Fn;
  psInit: Fn;
  psFree: Fn;
  psStartUtt: Fn;
  psEndUtt: Fn;
  psProcessRaw: Fn;
  psGetHyp: Fn;
}

let binding: Binding | undefined;

/** Loads koffi and the libraries once per process; {@link PocketsphinxUnavailableError} when they are missing. */
export function loadPocketsphinx(): Binding {
  if (binding) return binding;
  let koffi: Koffi;
  try {
    // Required here, not imported: a process that never transcribes offline never loads the FFI.
    koffi = require('koffi') as Koffi;
  } catch (error) {
    throw new PocketsphinxUnavailableError(`the koffi FFI module does not load (${(error as Error).message})`, { cause: error });
  }
  let sphinxbase: ReturnType<Koffi['load']>;
  let pocketsphinx: ReturnType<Koffi['load']>;
  try {
    sphinxbase = koffi.load('libsphinxbase.so.3');
    pocketsphinx = koffi.load('libpocketsphinx.so.3');
  } catch (error) {
    throw new PocketsphinxUnavailableError(`libpocketsphinx.so.3 does not load (${(error as Error).message})`, { cause: error });
  }
  // Opaque handles; one type object per process (koffi refuses to redefine a name).
  const cmdLn = koffi.pointer(koffi.opaque());
  const argDefs = koffi.pointer(koffi.opaque());
  const decoder = koffi.pointer(koffi.opaque());
  // Logging off for good: with `-logfn`, every new decoder would close the log file other decoders are writing to
  // from their worker threads.
  sphinxbase.func('err_set_logfp', 'void', ['void *'])(null);
  binding = {
    cmdLnInit: sphinxbase.func('cmd_ln_init', cmdLn, [cmdLn, argDefs, 'int', '...']),
    cmdLnFree: sphinxbase.func('cmd_ln_free_r', 'int', [cmdLn]),
    psArgs: pocketsphinx.func('ps_args', argDefs, []),
    psInit: pocketsphinx.func('ps_init', decoder, [cmdLn]),
    psFree: pocketsphinx.func('ps_free', 'int', [decoder]),
    psStartUtt: pocketsphinx.func('ps_start_utt', 'int', [decoder]),
    psEndUtt: pocketsphinx.func('ps_end_utt', 'int', [decoder]),
    psProcessRaw: pocketsphinx.func('ps_process_raw', 'int', [decoder, 'const int16_t *', 'size_t', 'int', 'int']),
    psGetHyp: pocketsphinx.func('ps_get_hyp', 'const char *', [decoder, koffi.out(koffi.pointer('int32_t'))]),
  };
  return binding;
}

/**
 * Lowers the scheduling priority of every thread of this process but the main one (Linux; elsewhere nothing happens),
 * among them libuv's thread pool, where decoding runs: on a busy node, background decoding then yields the CPU to
 * the main threads of this and other services. Threads started later keep their priority. Returns how many threads
 * were changed.
 */
export function lowerWorkerThreadPriority(nice: number): number {
  let changed = 0;
  let threads: string[];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    return 0; // not Linux
  }
  for (const tid of threads.map(Number)) {
    if (tid === process.pid) continue;
    try {
      setPriority(tid, nice); // on Linux, a thread's own nice value
      changed += 1;
    } catch {
      // Gone, or not permitted: it keeps its priority.
    }
  }
  return changed;
}

/** Runs a native function on a koffi worker thread. */
function callAsync<T>(fn: Fn, ...args: unknown[]): Promise<T> {
  return new Promise((resolve, reject) => {
    fn.async(...args, (error: unknown, result: T) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * One pocketsphinx decoder (≈ 105 MB, ≈ 0.56 s to create). Its calls run one at a time, in the order they were made,
 * each on a worker thread; after a failed call the decoder is {@link broken} and refuses further work.
 */
export class NativeDecoder {
  private tail: Promise<unknown> = Promise.resolve();
  private handle: unknown;
  private failure: Error | undefined;

  private constructor(handle: unknown) {
    this.handle = handle;
  }

  static async create(model: PocketsphinxModel, args: Readonly<Record<string, string>> = DEFAULT_DECODER_ARGS): Promise<NativeDecoder> {
    const lib = loadPocketsphinx();
    const options: Record<string, string> = { '-hmm': model.hmm, '-lm': model.lm, '-dict': model.dict, ...args };
    const variadic: unknown[] = [];
    for (const [name, value] of Object.entries(options)) variadic.push('str', name, 'str', value);
    variadic.push('void *', null);
    // Parsing the options is quick (variadic functions cannot run on a worker thread anyway); loading the model is not.
    const config = lib.cmdLnInit(null, lib.psArgs(), 1, ...variadic);
    if (!config) throw new PocketsphinxDecoderError(`pocketsphinx refused the decoder options ${JSON.stringify(options)}`);
    try {
      const handle = await callAsync<unknown>(lib.psInit, config);
      if (!handle) throw new PocketsphinxDecoderError('pocketsphinx could not create a decoder (ps_init failed)');
      return new NativeDecoder(handle);
    } finally {
      lib.cmdLnFree(config); // the decoder holds its own reference
    }
  }

  /** A call failed, or the decoder was freed: it must not be used again. */
  get broken(): boolean {
    return this.failure !== undefined || this.handle === undefined;
  }

  startUtterance(): Promise<void> {
    return this.status('ps_start_utt', (lib, handle) => callAsync(lib.psStartUtt, handle));
  }

  /** Feeds 16 kHz mono samples; the array must not change until the returned promise settles. */
  process(pcm: Int16Array): Promise<void> {
    return this.status('ps_process_raw', (lib, handle) => callAsync(lib.psProcessRaw, handle, pcm, pcm.length, 0, 0));
  }

  endUtterance(): Promise<void> {
    return this.status('ps_end_utt', (lib, handle) => callAsync(lib.psEndUtt, handle));
  }

  /** The best hypothesis so far (during an utterance) or the final one (after its end); '' when nothing was heard. */
  hypothesis(): Promise<string> {
    return this.enqueue(async (lib, handle) => {
      const text = await callAsync<string | null>(lib.psGetHyp, handle, [0]);
      return (text ?? '').trim();
    });
  }

  /** Frees the decoder once the calls already queued have run; never rejects. */
  free(): Promise<void> {
    const release = async () => {
      const handle = this.handle;
      if (handle === undefined) return;
      this.handle = undefined;
      await callAsync(loadPocketsphinx().psFree, handle).catch(() => undefined);
    };
    const done = this.tail.then(release, release);
    this.tail = done;
    return done;
  }

  private status(name: string, call: (lib: Binding, handle: unknown) => Promise<unknown>): Promise<void> {
    return this.enqueue(async (lib, handle) => {
      const status = (await call(lib, handle)) as number;
      if (status < 0) throw new PocketsphinxDecoderError(`${name} failed with status ${status}`);
    });
  }

  private enqueue<T>(call: (lib: Binding, handle: unknown) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.failure) throw this.failure;
      if (this.handle === undefined) throw new PocketsphinxDecoderError('the decoder was freed');
      try {
        return await call(loadPocketsphinx(), this.handle);
      } catch (error) {
        this.failure = error instanceof Error ? error : new PocketsphinxDecoderError(String(error));
        throw error;
      }
    };
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
