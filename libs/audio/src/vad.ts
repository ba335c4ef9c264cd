import { readFileSync } from 'node:fs';

/**
 * Voice activity detection with the WebRTC VAD (libfvad compiled to WebAssembly, `@echogarden/fvad-wasm`): no model,
 * ≈ 10 µs per 30 ms frame. The package is an ES module that Jest and CommonJS cannot load synchronously, so its
 * WebAssembly is instantiated here directly, once per process, with the two imports it needs; each detector is its own
 * libfvad state inside that instance.
 */

/** WebRTC VAD aggressiveness: 0 (quality: most speech kept) to 3 (very aggressive: fewest non-speech frames). */
export type VadMode = 0 | 1 | 2 | 3;
/** The frame lengths WebRTC VAD decides on. */
export type VadFrameMs = 10 | 20 | 30;

export const VAD_SAMPLE_RATE = 16_000;

export interface VoiceActivityOptions {
  /** Default 2. */
  mode?: VadMode;
  /** Length of the frames decided on; input of any length is buffered into them. Default 30 ms. */
  frameMs?: VadFrameMs;
  /**
   * Keep libfvad's built-in overhang (default true): after speech it goes on saying "voiced" for 60–90 ms of silence
   * (more after long speech). A caller that applies its own hangover passes false and gets the model's own decision,
   * so speech ends are not delayed twice.
   */
  overhang?: boolean;
}

/** The verdict on one input frame (one {@link VoiceActivityDetector.process} call). */
export interface VoiceActivity {
  /**
   * Speech in this input: at least one VAD frame completed by it was voiced. An input too short to complete a VAD
   * frame repeats the previous verdict.
   */
  voiced: boolean;
  /** Voiced audio among the VAD frames completed by this input, in ms. */
  voicedMs: number;
  /** Audio decided on by this input (completed VAD frames), in ms; the rest waits for the next input. */
  analysedMs: number;
  /** Verdict of each VAD frame completed by this input, in order. */
  frames: boolean[];
}

interface FvadExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  ctors(): void;
  fvad_new(): number;
  fvad_free(handle: number): void;
  fvad_reset(handle: number): void;
  fvad_set_mode(handle: number, mode: number): number;
  fvad_set_sample_rate(handle: number, rate: number): number;
  fvad_process(handle: number, frame: number, length: number): number;
  malloc(size: number): number;
  free(pointer: number): void;
}

/** The WebAssembly global as used here (see flite.ts: TypeScript declares it only in the DOM libraries). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};

let fvad: FvadExports | undefined;

/**
 * The package's Emscripten glue minifies export names: they are read from its `Module["_fvad_new"]=wasmExports["e"]`
 * lines, the memory from `wasmMemory=wasmExports["c"]` and the constructors from `___wasm_call_ctors`.
 */
function loadFvad(): FvadExports {
  if (fvad) return fvad;
  const glueFile = require.resolve('@echogarden/fvad-wasm');
  const glue = readFileSync(glueFile, 'utf8');
  const exportName = (pattern: RegExp, what: string): string => {
    const match = glue.match(pattern);
    if (!match) throw new Error(`@echogarden/fvad-wasm: cannot find ${what} in ${glueFile}`);
    return match[1]!;
  };
  const named = (name: string) => exportName(new RegExp(`Module\\["${name}"\\]=wasmExports\\["(\\w+)"\\]`), name);
  const module = new WebAssembly.Module(readFileSync(glueFile.replace(/fvad\.js$/, 'fvad.wasm')));
  let memory: FvadExports['memory'] | undefined;
  const imports = {
    [exportName(/getWasmImports\(\)\{return\{(\w+):wasmImports\}/, 'the import module')]: {
      [exportName(/wasmImports=\{(?:\w+:\w+,)*(\w+):___assert_fail\b/, 'the assert import')]: () => {
        throw new Error('@echogarden/fvad-wasm: assertion failed');
      },
      [exportName(/wasmImports=\{(?:\w+:\w+,)*(\w+):_emscripten_resize_heap\b/, 'the resize import')]: (requested: number) => {
        const current = memory!.buffer.byteLength;
        if (requested >>> 0 <= current) return true;
        try {
          memory!.grow(Math.ceil(((requested >>> 0) - current) / 65_536));
          return true;
        } catch {
          return false;
        }
      },
    },
  };
  const instance = new WebAssembly.Instance(module, imports);
  const raw = instance.exports;
  const fn = <T>(name: string) => raw[named(name)] as T;
  memory = raw[exportName(/wasmMemory=wasmExports\["(\w+)"\]/, 'the memory')] as FvadExports['memory'];
  const exports: FvadExports = {
    memory,
    ctors: raw[exportName(/___wasm_call_ctors=\(\)=>\(___wasm_call_ctors=wasmExports\["(\w+)"\]/, 'the constructors')] as () => void,
    fvad_new: fn('_fvad_new'),
    fvad_free: fn('_fvad_free'),
    fvad_reset: fn('_fvad_reset'),
    fvad_set_mode: fn('_fvad_set_mode'),
    fvad_set_sample_rate: fn('_fvad_set_sample_rate'),
    fvad_process: fn('_fvad_process'),
    malloc: fn('_malloc'),
    free: fn('_free'),
  };
  exports.ctors();
  fvad = exports;
  return exports;
}

/**
 * Speech or not, frame by frame, for 16 kHz mono PCM16 (the realtime wire format). Input frames may have any length
 * (10–100 ms on the wire): they are cut into `frameMs` VAD frames, and what is left over waits for the next input.
 * Synchronous and cheap; one detector per audio stream. Call {@link dispose} when done (it frees WebAssembly memory).
 */
export class VoiceActivityDetector {
  readonly mode: VadMode;
  readonly frameMs: VadFrameMs;
  private readonly frameSamples: number;
  private readonly lib: FvadExports;
  private handle: number;
  private readonly buffer: number;
  /** Samples of the VAD frame being filled. */
  private readonly carry: Int16Array;
  private carried = 0;
  private lastVoiced = false;
  private readonly overhang: boolean;
  /** Views on the WebAssembly memory, remade when it grows (growing replaces its buffer). */
  private frameView: Int16Array;
  private stateView: Int32Array;

  constructor(options: VoiceActivityOptions = {}) {
    this.mode = options.mode ?? 2;
    this.frameMs = options.frameMs ?? 30;
    if (![0, 1, 2, 3].includes(this.mode)) throw new RangeError(`VAD mode must be 0 to 3 (got ${options.mode})`);
    if (![10, 20, 30].includes(this.frameMs)) throw new RangeError(`VAD frames are 10, 20 or 30 ms (got ${options.frameMs})`);
    this.overhang = options.overhang ?? true;
    this.frameSamples = (VAD_SAMPLE_RATE / 1000) * this.frameMs;
    this.carry = new Int16Array(this.frameSamples);
    this.lib = loadFvad();
    this.handle = this.lib.fvad_new();
    if (!this.handle) throw new Error('fvad_new failed: out of WebAssembly memory');
    this.buffer = this.lib.malloc(this.frameSamples * 2);
    this.frameView = new Int16Array(this.lib.memory.buffer, this.buffer, this.frameSamples);
    this.stateView = new Int32Array(this.lib.memory.buffer, this.handle, 1);
    if (this.lib.fvad_set_sample_rate(this.handle, VAD_SAMPLE_RATE) !== 0 || this.lib.fvad_set_mode(this.handle, this.mode) !== 0) {
      this.dispose();
      throw new Error('fvad refused the sample rate or the mode');
    }
  }

  /** Decides on the VAD frames this input completes. */
  process(pcm: Int16Array): VoiceActivity {
    if (!this.handle) throw new Error('the VoiceActivityDetector was disposed');
    if (!isInt16Array(pcm)) throw new TypeError('VoiceActivityDetector.process expects an Int16Array of 16 kHz mono samples');
    const frames: boolean[] = [];
    let offset = 0;
    while (offset < pcm.length) {
      const take = Math.min(this.frameSamples - this.carried, pcm.length - offset);
      this.carry.set(pcm.subarray(offset, offset + take), this.carried);
      this.carried += take;
      offset += take;
      if (this.carried === this.frameSamples) {
        frames.push(this.decide());
        this.carried = 0;
      }
    }
    const voicedFrames = frames.filter(Boolean).length;
    if (frames.length > 0) this.lastVoiced = voicedFrames > 0;
    return {
      voiced: this.lastVoiced,
      voicedMs: voicedFrames * this.frameMs,
      analysedMs: frames.length * this.frameMs,
      frames,
    };
  }

  /** Forgets the detector's history and any partial frame (e.g. between utterances or streams). */
  reset(): void {
    if (!this.handle) return;
    this.lib.fvad_reset(this.handle);
    // fvad_reset also forgets the settings.
    this.lib.fvad_set_sample_rate(this.handle, VAD_SAMPLE_RATE);
    this.lib.fvad_set_mode(this.handle, this.mode);
    this.carried = 0;
    this.lastVoiced = false;
  }

  /** Frees the detector; idempotent. */
  dispose(): void {
    if (!this.handle) return;
    this.lib.fvad_free(this.handle);
    this.lib.free(this.buffer);
    this.handle = 0;
  }

  private decide(): boolean {
    if (this.frameView.buffer !== this.lib.memory.buffer) {
      this.frameView = new Int16Array(this.lib.memory.buffer, this.buffer, this.frameSamples);
      this.stateView = new Int32Array(this.lib.memory.buffer, this.handle, 1);
    }
    this.frameView.set(this.carry);
    const verdict = this.lib.fvad_process(this.handle, this.buffer, this.frameSamples);
    if (verdict < 0) throw new Error(`fvad_process failed on a ${this.frameMs} ms frame`);
    if (this.overhang || verdict !== 1) return verdict === 1;
    // libfvad returns 1 for both; the state it keeps (the `vad` field that opens its struct, WebRTC's VadInstT)
    // tells them apart: 1 is the model's own decision, 2 and more a frame of overhang.
    const state = this.stateView[0]!;
    if (state < 1) throw new Error(`fvad state ${state} after a voiced verdict: the library's layout is not the one expected`);
    return state === 1;
  }
}

/** Also true for arrays from another realm (a worker, a VM context such as Jest's), where `instanceof` fails. */
function isInt16Array(value: unknown): value is Int16Array {
  return value instanceof Int16Array || Object.prototype.toString.call(value) === '[object Int16Array]';
}
