/**
 * Input level for the live meter: RMS and peak of a block, mapped to a 0..1 scale in decibels, smoothed with a
 * fast attack and a slow release so the bar is readable. Pure.
 */

export interface BlockLevel {
  rms: number;
  peak: number;
}

export function measureLevel(samples: Float32Array): BlockLevel {
  let sumSquares = 0;
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    sumSquares += s * s;
    const a = Math.abs(s);
    if (a > peak) peak = a;
  }
  return { rms: samples.length ? Math.sqrt(sumSquares / samples.length) : 0, peak };
}

/** Decibels full scale of an amplitude (−Infinity for silence). */
export function toDbfs(amplitude: number): number {
  return amplitude > 0 ? 20 * Math.log10(amplitude) : -Infinity;
}

/** Maps an amplitude to 0..1 on a decibel scale: `floorDb` and below → 0, 0 dBFS → 1. */
export function meterPosition(amplitude: number, floorDb = -60): number {
  const db = toDbfs(amplitude);
  if (!Number.isFinite(db) || db <= floorDb) return 0;
  return Math.min(1, (db - floorDb) / -floorDb);
}

/** Speech is usually between −40 and −10 dBFS on a laptop microphone; below this the trainee is probably silent. */
export const QUIET_DBFS = -50;

export class LevelMeter {
  private value = 0;

  constructor(
    /** Time for the bar to rise most of the way to a louder level. */
    private readonly attackMs = 30,
    /** Time for the bar to fall most of the way back. */
    private readonly releaseMs = 300,
    private readonly floorDb = -60,
  ) {}

  /** Feeds one block lasting `durationMs`; returns the smoothed position 0..1. */
  update(samples: Float32Array, durationMs: number): number {
    const target = meterPosition(measureLevel(samples).rms, this.floorDb);
    const tau = target > this.value ? this.attackMs : this.releaseMs;
    const alpha = 1 - Math.exp(-Math.max(0, durationMs) / tau);
    this.value += (target - this.value) * alpha;
    return this.value;
  }

  get position(): number {
    return this.value;
  }

  reset(): void {
    this.value = 0;
  }
}
