/**
 * Streaming sample-rate converter for microphone capture: any input rate (44.1, 48, 96 kHz...) to 16 kHz mono.
 *
 * Band-limited interpolation with a Blackman-windowed sinc kernel, looked up in a precomputed table. When
 * downsampling, the kernel's cutoff sits just below the output Nyquist frequency, so content above 8 kHz is
 * filtered out instead of folding back as aliasing. Pure: no Web Audio, usable in tests and in a worklet.
 */

export const TARGET_SAMPLE_RATE = 16_000;

export interface Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Converts the next block of input; returns the output samples it completes (possibly none). */
  process(input: Float32Array): Float32Array;
  /** Emits the remaining output for all input seen so far (the tail is completed with silence). */
  flush(): Float32Array;
}

export interface ResamplerOptions {
  /** Zero crossings of the sinc on each side: quality versus work. */
  zeroCrossings?: number;
  /** Cutoff as a fraction of the lower of the two Nyquist frequencies. */
  rolloff?: number;
}

const TABLE_STEPS_PER_CROSSING = 512;

export function createResampler(inputRate: number, outputRate = TARGET_SAMPLE_RATE, options: ResamplerOptions = {}): Resampler {
  if (!(inputRate > 0) || !(outputRate > 0)) throw new RangeError(`sample rates must be positive (got ${inputRate} → ${outputRate})`);
  if (inputRate === outputRate) return passthrough(inputRate);
  return new SincResampler(inputRate, outputRate, options.zeroCrossings ?? 16, options.rolloff ?? 0.94);
}

function passthrough(rate: number): Resampler {
  return {
    inputRate: rate,
    outputRate: rate,
    process: (input) => input.slice(),
    flush: () => new Float32Array(0),
  };
}

class SincResampler implements Resampler {
  /** Input samples advanced per output sample. */
  private readonly step: number;
  /** Cutoff in cycles per input sample × 2 (so the kernel is `scale·sinc(scale·d)`). */
  private readonly scale: number;
  /** Half-width of the kernel, in input samples. */
  private readonly halfWidth: number;
  private readonly table: Float32Array;
  private readonly tableStep: number;

  /** Unconsumed input; buffer[0] is absolute input sample `bufferStart`. */
  private buffer = new Float32Array(0);
  private bufferStart = 0;
  /** Real input samples received. */
  private received = 0;
  /** Absolute output index of the next output sample. */
  private outputIndex = 0;
  private flushed = false;

  constructor(
    readonly inputRate: number,
    readonly outputRate: number,
    zeroCrossings: number,
    rolloff: number,
  ) {
    this.step = inputRate / outputRate;
    this.scale = Math.min(1, outputRate / inputRate) * rolloff;
    this.halfWidth = zeroCrossings / this.scale;
    const size = zeroCrossings * TABLE_STEPS_PER_CROSSING + 2;
    this.table = new Float32Array(size);
    this.tableStep = this.halfWidth / (size - 2);
    for (let i = 0; i < size; i++) {
      const d = i * this.tableStep;
      this.table[i] = d >= this.halfWidth ? 0 : this.scale * sinc(this.scale * d) * blackman(d / this.halfWidth);
    }
  }

  process(input: Float32Array): Float32Array {
    if (this.flushed) throw new Error('resampler already flushed');
    this.append(input);
    this.received += input.length;
    return this.run(Infinity);
  }

  flush(): Float32Array {
    if (this.flushed) return new Float32Array(0);
    this.flushed = true;
    // Silence after the end completes the last kernels; output stops where the real input ends.
    this.append(new Float32Array(Math.ceil(this.halfWidth) + 2));
    return this.run(this.received);
  }

  private append(input: Float32Array): void {
    const merged = new Float32Array(this.buffer.length + input.length);
    merged.set(this.buffer);
    merged.set(input, this.buffer.length);
    this.buffer = merged;
  }

  /** Every output sample whose kernel lies within the buffered input and whose centre lies before `limit`. */
  private run(limit: number): Float32Array {
    const { halfWidth, table, tableStep, buffer, bufferStart } = this;
    const available = bufferStart + buffer.length;
    const out: number[] = [];
    for (;;) {
      const centre = this.outputIndex * this.step;
      if (centre >= limit) break;
      const last = Math.floor(centre + halfWidth);
      if (last >= available) break;
      const first = Math.ceil(centre - halfWidth);
      let sum = 0;
      let weight = 0;
      for (let k = first; k <= last; k++) {
        const d = Math.abs(centre - k) / tableStep;
        const i = Math.floor(d);
        const w = table[i]! + (table[i + 1]! - table[i]!) * (d - i);
        // Samples before the start count as silence.
        if (k >= 0) sum += buffer[k - bufferStart]! * w;
        weight += w;
      }
      // Normalising by the kernel's weight keeps the passband gain at exactly 1.
      out.push(weight > 0 ? sum / weight : 0);
      this.outputIndex++;
    }
    // Keep only what the next output sample's kernel still needs.
    const keepFrom = Math.max(0, Math.ceil(this.outputIndex * this.step - halfWidth));
    if (keepFrom > bufferStart) {
      const drop = Math.min(keepFrom - bufferStart, buffer.length);
      this.buffer = buffer.slice(drop);
      this.bufferStart = bufferStart + drop;
    }
    return Float32Array.from(out);
  }
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

function blackman(t: number): number {
  // t in [0, 1]: distance from the centre over the half-width.
  return 0.42 + 0.5 * Math.cos(Math.PI * t) + 0.08 * Math.cos(2 * Math.PI * t);
}

/** Float samples in [-1, 1] to 16-bit PCM, clipped. */
export function floatToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    out[i] = s < 0 ? Math.round(s * 0x8000) : Math.round(s * 0x7fff);
  }
  return out;
}
