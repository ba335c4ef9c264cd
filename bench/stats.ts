import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

/** Percentiles rounded to `digits` decimals (sub-millisecond figures need some). */
export function summarize(samples: number[], digits = 0): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  const round = (v: number) => Math.round(v * 10 ** digits) / 10 ** digits;
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    min: round(sorted[0]!),
    max: round(sorted[sorted.length - 1]!),
    mean: round(sorted.reduce((s, v) => s + v, 0) / sorted.length),
  };
}

/** Prints a result and merges it into test-artifacts/bench.json. */
export function report(name: string, summary: Summary, unit = 'ms'): void {
  const dir = join(__dirname, '..', 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'bench.json');
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // first result
  }
  all[name] = { ...summary, unit, measuredAt: new Date().toISOString() };
  writeFileSync(file, JSON.stringify(all, null, 2));
  process.stdout.write(`${name}: n=${summary.count} p50=${summary.p50}${unit} p95=${summary.p95}${unit} p99=${summary.p99}${unit} min=${summary.min} max=${summary.max}\n`);
}
