import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import type { Mp3Encoder as LameMp3Encoder } from '@breezystack/lamejs';

/**
 * Loaders for the two JavaScript codecs. Both packages are ES modules only ("type": "module") while this workspace
 * is CommonJS: Node 20.19 can `require()` them, Jest's module system cannot, and their `require` entry points are
 * classic scripts that Node then misreads as ES modules. Each package also ships a self-contained classic-script
 * build (lamejs: an IIFE that declares `var lamejs`; mpg123-decoder: a UMD bundle), so we evaluate that build
 * ourselves: the same code then loads the same way under Node and under Jest.
 */

export interface MpegDecoded {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
}

export interface MpegDecoder {
  ready: Promise<void>;
  decode(data: Uint8Array): MpegDecoded;
  free(): void;
}

interface Lame {
  Mp3Encoder: typeof LameMp3Encoder;
}

let lame: Lame | undefined;
let mpegDecoderClass: (new () => MpegDecoder) | undefined;

export function loadLame(): Lame {
  if (!lame) {
    const file = require.resolve('@breezystack/lamejs'); // the "require" condition: dist/lamejs.iife.js
    lame = vm.compileFunction(`${readFileSync(file, 'utf8')}\nreturn lamejs;`, [], { filename: file })() as Lame;
  }
  return lame;
}

export function loadMpegDecoder(): new () => MpegDecoder {
  if (!mpegDecoderClass) {
    // The package exports only its ES entry; the UMD bundle sits beside it.
    const file = path.join(path.dirname(require.resolve('mpg123-decoder')), 'dist', 'mpg123-decoder.min.js');
    const module = { exports: {} as { MPEGDecoder?: new () => MpegDecoder } };
    const factory = vm.compileFunction(readFileSync(file, 'utf8'), ['exports', 'require', 'module'], { filename: file });
    factory(module.exports, createRequire(file), module);
    if (!module.exports.MPEGDecoder) throw new Error(`mpg123-decoder: ${file} did not export MPEGDecoder`);
    mpegDecoderClass = module.exports.MPEGDecoder;
  }
  return mpegDecoderClass;
}
