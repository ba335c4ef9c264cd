import { TestPlatform, type PlatformOptions, type ServiceName } from '@parley/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { summarize } from './stats';

/**
 * What every benchmark shares: the session levels, the platform under test, the raw-baseline server, the /proc
 * sampler of the service processes and the results file the report is rendered from (bench-results/results.json).
 */

export const ROOT = join(__dirname, '..');
export const RESULTS_DIR = join(ROOT, 'bench-results');
export const RESULTS_FILE = join(RESULTS_DIR, 'results.json');

/** Concurrent sessions per level (`BENCH_LEVELS=10,50` for a quick run). */
export const LEVELS = (process.env.BENCH_LEVELS ?? '10,50,100,200').split(',').map(Number).filter((n) => n > 0);
/** A level stops the ramp of its path when more than this share of its operations failed. */
export const MAX_ERROR_RATE = 0.01;
/** Capacity limits raised for the run: every level must be admitted. */
export const CAPACITY_ENV: Record<string, string> = {
  MAX_ACTIVE_SESSIONS: '2000',
  MAX_PENDING_SESSIONS: '2000',
  RATE_LIMIT_PER_MINUTE: '10000000',
  SOCKET_RATE_LIMIT_PER_MINUTE: '10000000',
  GENERATION_CONCURRENCY: '4096',
  // Per-replica job concurrency: at the defaults (4 replies, 2 transcriptions at once) zero-latency providers would
  // measure the queue in front of them, not the work.
  PIPELINE_CONCURRENCY: '64',
  ASR_CONCURRENCY: '8',
  LOG_LEVEL: 'warn',
  // BENCH_CPU_PROF=1: every service writes a V8 CPU profile when it stops (see bench/cpu-profile.js).
  ...(process.env.BENCH_CPU_PROF && {
    NODE_OPTIONS: `--require ${join(__dirname, 'cpu-profile.js')}`,
    BENCH_CPU_PROF_DIR: join(ROOT, 'test-artifacts', 'profiles'),
  }),
};
/** A running deployment to measure instead of starting one (`BENCH_URL=http://gateway:8080`); fake providers need a local one. */
export const EXTERNAL_URL = process.env.BENCH_URL ?? null;

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

// ---- results -----------------------------------------------------------------------------------------------------

export interface LevelFigure {
  sessions: number;
  n: number;
  errors: number;
  errorRate: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  /** Parley's figure over its raw baseline's at the same level (p50 and p99). */
  ratio?: { p50: number | null; p99: number | null };
  /** Whether the ramp stopped after this level (errors above 1 %). */
  stopped?: boolean;
}

export interface Figure {
  title: string;
  /** Which provider setting: `zero` (OpenAI-wire-format server answering at once), `fixed` (same with a fixed latency), `offline`, `raw`. */
  providers: 'zero' | 'fixed' | 'offline' | 'raw' | 'external';
  unit: 'ms';
  /** The raw baseline's figure id (ratios are taken to it). */
  baseline?: string;
  levels: LevelFigure[];
  note?: string;
  measuredAt: string;
}

export interface ProcessUsage {
  /** Mean CPU over the level, % of one core. */
  cpuPct: number;
  /** Resident memory: mean and peak over the level, MB. */
  rssMb: number;
  rssMbMax: number;
}

export interface Results {
  machine?: { cpus: number; model: string; node: string; loadavgAtStart: string };
  startedAt?: string;
  figures: Record<string, Figure>;
  /** CPU and memory of each service process, per scenario and level. */
  processes: Record<string, Array<{ sessions: number; usage: Record<string, ProcessUsage> }>>;
  /** Figures that are not latencies (capacity summaries, profiles, server-side breakdowns). */
  extra: Record<string, unknown>;
}

export function readResults(): Results {
  try {
    return JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Results;
  } catch {
    return { figures: {}, processes: {}, extra: {} };
  }
}

function writeResults(update: (results: Results) => void): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const results = readResults();
  update(results);
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
}

/** Percentiles of one level; `errors` are operations that failed or timed out (not in `samples`). */
export function levelFigure(sessions: number, samples: number[], errors: number, digits = 1): LevelFigure {
  const attempts = samples.length + errors;
  const base = { sessions, n: samples.length, errors, errorRate: attempts ? round(errors / attempts, 4)! : 0 };
  if (!samples.length) return { ...base, p50: null, p90: null, p95: null, p99: null, max: null };
  const s = summarize(samples, digits);
  const sorted = [...samples].sort((a, b) => a - b);
  const p90 = sorted[Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)]!;
  return { ...base, p50: s.p50, p90: round(p90, digits), p95: s.p95, p99: s.p99, max: s.max };
}

/** Adds (or replaces) one level of a figure, with its ratio to the baseline's same level when that is known. */
export function recordLevel(id: string, meta: Omit<Figure, 'levels' | 'measuredAt'>, level: LevelFigure): void {
  writeResults((results) => {
    const figure = results.figures[id] ?? { ...meta, levels: [], measuredAt: new Date().toISOString() };
    Object.assign(figure, meta, { measuredAt: new Date().toISOString() });
    const base = meta.baseline ? results.figures[meta.baseline]?.levels.find((l) => l.sessions === level.sessions) : undefined;
    const entry = { ...level };
    if (base) entry.ratio = { p50: ratio(level.p50, base.p50), p99: ratio(level.p99, base.p99) };
    figure.levels = [...figure.levels.filter((l) => l.sessions !== level.sessions), entry].sort((a, b) => a.sessions - b.sessions);
    results.figures[id] = figure;
  });
  const r = level.ratio;
  process.stdout.write(
    `[bench] ${id} @${level.sessions}: n=${level.n} errors=${level.errors} p50=${level.p50} p95=${level.p95} p99=${level.p99}${r ? ` ratio p99=${r.p99}` : ''}\n`,
  );
}

export function recordProcesses(scenario: string, sessions: number, usage: Record<string, ProcessUsage>): void {
  writeResults((results) => {
    const rows = (results.processes[scenario] ?? []).filter((r) => r.sessions !== sessions);
    results.processes[scenario] = [...rows, { sessions, usage }].sort((a, b) => a.sessions - b.sessions);
  });
}

export function recordExtra(name: string, value: unknown): void {
  writeResults((results) => {
    results.extra[name] = value;
  });
}

/** Starts a fresh results file (run once per `npm run bench`, by the first benchmark). */
export function resetResults(machine: Results['machine']): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify({ machine, startedAt: new Date().toISOString(), figures: {}, processes: {}, extra: {} }, null, 2)}\n`);
}

const ratio = (a: number | null, b: number | null) => (a === null || b === null || b <= 0 ? null : round(a / b, 2));
export const round = (v: number | null | undefined, digits = 1): number | null =>
  v === null || v === undefined || Number.isNaN(v) ? null : Math.round(v * 10 ** digits) / 10 ** digits;

// ---- the ramp -----------------------------------------------------------------------------------------------------

/** Scales every ramp's time budget (`BENCH_BUDGET_SCALE=2` on a slower machine, 0.5 for a quick look). */
const BUDGET_SCALE = Number(process.env.BENCH_BUDGET_SCALE ?? 1);

/**
 * Runs `level` for each session count in LEVELS, in order, until one fails more than 1 % of its operations (its
 * figures `ids` are then marked as stopped there), or until the next level would not fit in `budgetMs` (the whole
 * run must stay under 30 minutes on 2 cores; a level takes at least as long as the one before). The callback
 * records its own figures and returns its error rate.
 */
export async function ramp(label: string, ids: string[], budgetMs: number, level: (sessions: number) => Promise<number>): Promise<number[]> {
  const done: number[] = [];
  const began = performance.now();
  let last = 0;
  for (const sessions of LEVELS) {
    const elapsed = performance.now() - began;
    if (done.length && elapsed + last * (sessions / done.at(-1)!) ** 0.5 > budgetMs * BUDGET_SCALE) {
      process.stdout.write(`[bench] ${label}: ${sessions} sessions skipped (time budget of ${Math.round((budgetMs * BUDGET_SCALE) / 1000)} s)\n`);
      recordExtra(`budget_${label}`, { skippedFrom: sessions, budgetSec: Math.round((budgetMs * BUDGET_SCALE) / 1000) });
      break;
    }
    const started = performance.now();
    const errorRate = await level(sessions);
    last = performance.now() - started;
    done.push(sessions);
    process.stdout.write(`[bench] ${label}: ${sessions} sessions in ${Math.round(last / 1000)} s, error rate ${round(errorRate * 100, 2)} %\n`);
    if (errorRate > MAX_ERROR_RATE) {
      process.stdout.write(`[bench] ${label}: stopped after ${sessions} sessions (errors above 1 %)\n`);
      markStopped(ids, sessions);
      break;
    }
  }
  return done;
}

/** Marks the level at which a ramp stopped on its figures. */
function markStopped(ids: string[], sessions: number): void {
  writeResults((results) => {
    for (const id of ids) {
      const level = results.figures[id]?.levels.find((l) => l.sessions === sessions);
      if (level) level.stopped = true;
    }
  });
}

// ---- the platform ------------------------------------------------------------------------------------------------

export interface Target {
  /** Base URL of the gateway. */
  gateway: string;
  platform: TestPlatform | null;
  stop(): Promise<void>;
}

/** The platform under test: started here on free ports (capacity limits raised), or BENCH_URL's. */
export async function startTarget(options: PlatformOptions): Promise<Target> {
  if (EXTERNAL_URL) return { gateway: EXTERNAL_URL, platform: null, stop: async () => undefined };
  // One service at a time, each tried again if it misses the platform's 45 s to /ready: on a busy 2-core machine
  // several Node processes loading at once can all miss it.
  const platform = await TestPlatform.start({ ...options, services: [], env: { ...CAPACITY_ENV, ...options.env } });
  try {
    for (const name of options.services) {
      for (let attempt = 1; ; attempt++) {
        const started = await platform.startService(name).then(
          () => true,
          (error: Error) => {
            if (attempt >= 3) throw error;
            process.stdout.write(`[bench] ${name} did not start (${error.message.split('\n')[0]}); retrying\n`);
            return false;
          },
        );
        if (started) break;
      }
    }
  } catch (error) {
    await platform.stop();
    throw error;
  }
  process.stdout.write(`[bench] platform ${platform.namespace} (logs: test-artifacts/logs/${platform.namespace}-*.log)\n`);
  return { gateway: platform.url('gateway'), platform, stop: () => platform.stop() };
}

// ---- CPU and memory of the service processes ------------------------------------------------------------------

const TICKS_PER_SEC = 100; // USER_HZ on Linux
const PAGE_KB = 4;

/** The platform's service processes: this process's children running `services/<name>/dist/main.js`. */
export function serviceProcesses(): Map<string, number> {
  const found = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const name = /services\/([a-z-]+)\/dist\/main\.js/.exec(cmd)?.[1] ?? (cmd.includes('raw-server.js') ? 'raw-server' : null);
      if (name) found.set(found.has(name) ? `${name}#${entry}` : name, Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

function cpuTicks(pid: number): { ticks: number; rssKb: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state(0) ppid(1) ... utime(11) stime(12) ... rss(21) in pages.
    return { ticks: Number(fields[11]) + Number(fields[12]), rssKb: Number(fields[21]) * PAGE_KB };
  } catch {
    return null;
  }
}

/** Samples /proc for every service process (and this load generator) twice a second, like pidusage. */
export class ProcessSampler {
  private readonly pids: Map<string, number>;
  private readonly first = new Map<string, { ticks: number; at: number }>();
  private readonly rss = new Map<string, number[]>();
  private timer: NodeJS.Timeout | null = null;

  constructor() {
    this.pids = serviceProcesses();
    this.pids.set('load-generator', process.pid);
  }

  start(): this {
    const at = performance.now();
    for (const [name, pid] of this.pids) {
      const now = cpuTicks(pid);
      if (now) this.first.set(name, { ticks: now.ticks, at });
    }
    this.timer = setInterval(() => this.sample(), 500);
    return this;
  }

  private sample(): void {
    for (const [name, pid] of this.pids) {
      const now = cpuTicks(pid);
      if (now) this.rss.set(name, [...(this.rss.get(name) ?? []), now.rssKb / 1024]);
    }
  }

  stop(): Record<string, ProcessUsage> {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const at = performance.now();
    const usage: Record<string, ProcessUsage> = {};
    for (const [name, pid] of this.pids) {
      const start = this.first.get(name);
      const end = cpuTicks(pid);
      const rss = this.rss.get(name) ?? [];
      if (!start || !end || !rss.length) continue;
      usage[name] = {
        cpuPct: round(((end.ticks - start.ticks) / TICKS_PER_SEC / ((at - start.at) / 1000)) * 100, 0)!,
        rssMb: round(rss.reduce((s, v) => s + v, 0) / rss.length, 0)!,
        rssMbMax: round(Math.max(...rss), 0)!,
      };
    }
    return usage;
  }
}

// ---- the raw baselines' server --------------------------------------------------------------------------------

export interface RawServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts bench/raw-server.js as its own process (see there), on the platform's NATS. */
export async function startRawServer(natsUrl: string, namespace: string, providerUrl: string | null): Promise<RawServer> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'raw-server.js'), natsUrl, namespace, providerUrl ?? '-'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: ROOT,
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(JSON.parse(line).port));
    child.once('exit', (code) => reject(new Error(`raw server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export type { ServiceName };
