/**
 * Streaming resampling for live voice (SPEC §7): the microphone's rate (48 or 44.1 kHz, usually) → 16 kHz mono,
 * one continuous stream fed in blocks of any size.
 *
 * A polyphase windowed-sinc (Kaiser) low-pass interpolator: each output sample is the filtered input at the exact
 * fractional input position `n · from / to`, with the filter's history carried across blocks, so block edges leave
 * no trace (no dropped samples, no clicks) and everything above the 16 kHz Nyquist frequency is removed before it can
 * alias (passband to 7 kHz, stopband from 8 kHz, about 80 dB down).
 */
export interface ResamplerOptions {
  /** Highest frequency kept as is; default 7/16 of the lower rate (7 kHz at 16 kHz). */
  passbandHz?: number;
  /** Lowest frequency fully attenuated; default half the lower rate (8 kHz at 16 kHz). */
  stopbandHz?: number;
  /** Stopband attenuation in dB; default 80. */
  attenuationDb?: number;
}

/** Above this many exact phases (an odd rate pair), phases are quantised to this many. */
const MAX_PHASES = 1024;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Zeroth-order modified Bessel function of the first kind (Kaiser window). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const half = x / 2;
  for (let k = 1; k < 64; k++) {
    term *= (half / k) * (half / k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

export class StreamResampler {
  /** Input samples on each side of the output position the filter reaches. */
  readonly halfTaps: number;
  private readonly up: number;
  private readonly down: number;
  /** Number of tabulated phases (== `up` unless quantised). */
  private readonly phases: number;
  /** `phases` kernels of `2 · halfTaps` taps each, for input offsets −halfTaps+1 … halfTaps. */
  private readonly table: Float32Array;
  /** Pending input; `buffer[0]` is input sample number `bufferStart` (negative: the zero history before the stream). */
  private buffer: Float32Array;
  private bufferStart: number;
  private bufferLength: number;
  /** Position of the next output sample: input index `base` + `phase / up`. */
  private base = 0;
  private phase = 0;

  constructor(readonly fromRate: number, readonly toRate: number, options: ResamplerOptions = {}) {
    if (!(fromRate > 0 && toRate > 0) || !Number.isInteger(fromRate) || !Number.isInteger(toRate)) {
      throw new RangeError(`sample rates must be positive integers (got ${fromRate} → ${toRate})`);
    }
    const divisor = gcd(fromRate, toRate);
    this.up = toRate / divisor;
    this.down = fromRate / divisor;
    this.phases = Math.min(this.up, MAX_PHASES);
    const lower = Math.min(fromRate, toRate);
    const pass = options.passbandHz ?? (lower * 7) / 16;
    const stop = options.stopbandHz ?? lower / 2;
    const attenuation = options.attenuationDb ?? 80;
    const cutoff = (pass + stop) / 2 / fromRate; // cycles per input sample
    const transition = (stop - pass) / fromRate;
    const beta = attenuation > 50 ? 0.1102 * (attenuation - 8.7) : 0.5842 * Math.pow(attenuation - 21, 0.4) + 0.07886 * (attenuation - 21);
    const length = Math.ceil((attenuation - 8) / (2.285 * 2 * Math.PI * transition));
    this.halfTaps = Math.max(2, Math.ceil(length / 2));
    const taps = 2 * this.halfTaps;
    this.table = new Float32Array(this.phases * taps);
    const i0Beta = besselI0(beta);
    for (let p = 0; p < this.phases; p++) {
      const fraction = p / this.phases;
      let sum = 0;
      for (let t = 0; t < taps; t++) {
        const u = t - this.halfTaps + 1 - fraction; // input offset from the output position
        const x = 2 * cutoff * u;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        const r = u / this.halfTaps;
        const window = Math.abs(r) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta;
        const value = sinc * window;
        this.table[p * taps + t] = value;
        sum += value;
      }
      // Unit gain at DC for every phase: a constant stays constant, whatever the fraction.
      for (let t = 0; t < taps; t++) this.table[p * taps + t]! /= sum;
    }
    this.bufferStart = -(this.halfTaps - 1);
    this.buffer = new Float32Array(Math.max(4096, taps * 2));
    this.bufferLength = this.halfTaps - 1; // zeros: the silence before the stream
  }

  /** Samples of delay the filter adds, in output samples (it needs `halfTaps` input samples of look-ahead). */
  get latencySamples(): number {
    return Math.ceil((this.halfTaps * this.toRate) / this.fromRate);
  }

  /** Feeds the next block of the stream; returns every output sample that can now be computed. */
  process(input: Float32Array): Float32Array {
    if (this.fromRate === this.toRate) return input.slice();
    this.append(input);
    const taps = 2 * this.halfTaps;
    const available = this.bufferStart + this.bufferLength; // input samples received so far (absolute end)
    const out: number[] = [];
    const { table, buffer, up, down, phases } = this;
    let base = this.base;
    let phase = this.phase;
    // The output at `base + phase/up` needs input up to `base + halfTaps`.
    while (base + this.halfTaps < available) {
      let row: number;
      let first: number;
      if (phases === up) {
        row = phase * taps;
        first = base - this.halfTaps + 1 - this.bufferStart;
      } else {
        const q = Math.round((phase * phases) / up);
        row = (q === phases ? 0 : q) * taps;
        first = base + (q === phases ? 1 : 0) - this.halfTaps + 1 - this.bufferStart;
        if (first + taps > this.bufferLength) break;
      }
      let acc = 0;
      for (let t = 0; t < taps; t++) acc += buffer[first + t]! * table[row + t]!;
      out.push(acc);
      phase += down;
      if (phase >= up) {
        base += Math.floor(phase / up);
        phase %= up;
      }
    }
    this.base = base;
    this.phase = phase;
    this.discardBefore(base - this.halfTaps + 1);
    return Float32Array.from(out);
  }

  private append(input: Float32Array): void {
    const needed = this.bufferLength + input.length;
    if (needed > this.buffer.length) {
      const grown = new Float32Array(Math.max(needed, this.buffer.length * 2));
      grown.set(this.buffer.subarray(0, this.bufferLength));
      this.buffer = grown;
    }
    this.buffer.set(input, this.bufferLength);
    this.bufferLength = needed;
  }

  /** Drops input no future output needs (before absolute index `index`). */
  private discardBefore(index: number): void {
    const drop = Math.min(this.bufferLength, index - this.bufferStart);
    if (drop <= 0) return;
    this.buffer.copyWithin(0, drop, this.bufferLength);
    this.bufferLength -= drop;
    this.bufferStart += drop;
  }
}

/** Cuts a continuous stream of float samples into PCM16 frames of a fixed size (20 ms at 16 kHz: 320 samples). */
export class PcmFramer {
  private readonly pending: Int16Array;
  private filled = 0;

  constructor(readonly frameSamples: number) {
    this.pending = new Int16Array(frameSamples);
  }

  push(samples: Float32Array): Int16Array[] {
    const frames: Int16Array[] = [];
    for (let i = 0; i < samples.length; i++) {
      const s = Math.max(-1, Math.min(1, samples[i]!));
      this.pending[this.filled++] = s < 0 ? Math.round(s * 0x8000) : Math.round(s * 0x7fff);
      if (this.filled === this.frameSamples) {
        frames.push(this.pending.slice());
        this.filled = 0;
      }
    }
    return frames;
  }
}
