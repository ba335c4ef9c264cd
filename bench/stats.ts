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

/** Prints rows as an aligned text table (first row: headings). */
export function table(rows: Array<Array<string | number | null | undefined>>): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '-' : String(cell))));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  const out = [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
  process.stdout.write(`${out}\n`);
  return out;
}

/** One Prometheus histogram, its label sets summed: cumulative counts by upper bound (`Infinity` last), sum, count. */
export interface PromHistogram {
  buckets: Array<{ le: number; count: number }>;
  sum: number;
  count: number;
}

/** Reads histogram `name` from a Prometheus text exposition, summing every label set. Null when absent. */
export function parseHistogram(text: string, name: string): PromHistogram | null {
  const byLe = new Map<number, number>();
  let sum = 0;
  let count = 0;
  let seen = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^(\w+?)(_bucket|_sum|_count)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    seen = true;
    const value = Number(match[4]);
    if (match[2] === '_sum') sum += value;
    else if (match[2] === '_count') count += value;
    else {
      const le = /le="([^"]+)"/.exec(match[3] ?? '')?.[1];
      if (!le) continue;
      const bound = le === '+Inf' ? Infinity : Number(le);
      byLe.set(bound, (byLe.get(bound) ?? 0) + value);
    }
  }
  if (!seen) return null;
  const buckets = [...byLe.entries()].sort((a, b) => a[0] - b[0]).map(([le, c]) => ({ le, count: c }));
  return { buckets, sum, count };
}

/** What was observed between two scrapes of the same histogram. */
export function histogramDelta(after: PromHistogram, before: PromHistogram | null): PromHistogram {
  if (!before) return after;
  const earlier = new Map(before.buckets.map((b) => [b.le, b.count]));
  return {
    buckets: after.buckets.map((b) => ({ le: b.le, count: b.count - (earlier.get(b.le) ?? 0) })),
    sum: after.sum - before.sum,
    count: after.count - before.count,
  };
}

/**
 * The q-quantile of a histogram, interpolated linearly inside its bucket as Prometheus' histogram_quantile does
 * (so it is only as fine as the buckets). `bucketBound` is the upper bound of that bucket; null when empty.
 */
export function histogramQuantile(histogram: PromHistogram, q: number): { value: number; bucketBound: number } | null {
  const total = histogram.buckets.at(-1)?.count ?? 0;
  if (!total) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const { le, count } of histogram.buckets) {
    if (count >= rank) {
      if (le === Infinity) return { value: lowerBound, bucketBound: Infinity };
      const inBucket = count - lowerCount;
      const value = inBucket > 0 ? lowerBound + ((le - lowerBound) * (rank - lowerCount)) / inBucket : le;
      return { value, bucketBound: le };
    }
    lowerBound = le;
    lowerCount = count;
  }
  return null;
}

/** The share of observations above `bound` (which should be a bucket bound). */
export function histogramShareAbove(histogram: PromHistogram, bound: number): number {
  const total = histogram.buckets.at(-1)?.count ?? 0;
  if (!total) return 0;
  const within = histogram.buckets.find((b) => b.le >= bound)?.count ?? total;
  return (total - within) / total;
}

/** A gauge or counter from a Prometheus text exposition, summed over label sets. Null when absent. */
export function parseMetric(text: string, name: string): number | null {
  let total: number | null = null;
  for (const line of text.split('\n')) {
    const match = /^(\w+)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    total = (total ?? 0) + Number(match[3]);
  }
  return total;
}
