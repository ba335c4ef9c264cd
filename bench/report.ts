import { Resvg, initWasm } from '@resvg/resvg-wasm';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEVELS, RESULTS_DIR, readResults, type Figure, type LevelFigure, type Results } from './harness';

/**
 * The report of a run, from bench-results/results.json: results.md (the targets met or not, every figure per level
 * beside its raw baseline, CPU and memory per service process) and one PNG chart per path (latency against
 * sessions, p50 and p99, the target drawn), drawn as SVG and rasterised by resvg (WebAssembly).
 */

type Stat = 'p50' | 'p90' | 'p99' | 'ratioP99';

export interface TargetSpec {
  text: string;
  figure: string;
  stat: Stat;
  limit: number;
  /** Judged at this level only; otherwise at every level, and the ramp must reach the top one. */
  atSessions?: number;
  /** Measured at one fixed concurrency (not ramped): judged there. */
  fixedLevel?: boolean;
}

export const TARGETS: TargetSpec[] = [
  { text: 'turn ack p99 ≤ 50 ms at 100 sessions', figure: 'turn_ack_zero', stat: 'p99', limit: 50, atSessions: 100 },
  { text: 'platform overhead per turn ≤ 4× raw baseline (p99, zero-latency providers)', figure: 'turn_reply_zero', stat: 'ratioP99', limit: 4 },
  { text: 'termination lag after the idle deadline p99 ≤ 250 ms', figure: 'termination_lag', stat: 'p99', limit: 250 },
  { text: 'session end → evaluation_ready p90 ≤ 5 s, offline', figure: 'evaluation_offline', stat: 'p90', limit: 5000 },
  { text: 'SSE per-token overhead p99 ≤ 5 ms', figure: 'sse_token_overhead', stat: 'p99', limit: 5 },
  { text: 'realtime speech end → first audio p50 ≤ 800 ms, offline', figure: 'rt_first_audio_offline', stat: 'p50', limit: 800, fixedLevel: true },
  { text: 'realtime barge-in reaction p99 ≤ 150 ms', figure: 'rt_barge_in_offline', stat: 'p99', limit: 150, fixedLevel: true },
  { text: '≥ 200 concurrent realtime sessions with frame handling p99 ≤ 50 ms', figure: 'rt_frame_handling', stat: 'p99', limit: 50, atSessions: 200 },
];

/** Charts: one per path, the figures drawn in it and the target line. */
const CHARTS: Array<{ file: string; title: string; figures: string[]; target?: number; ratio?: boolean }> = [
  { file: 'turn-ack.png', title: 'Turn acknowledgement', figures: ['turn_ack_zero', 'turn_ack_fixed', 'turn_ack_offline', 'raw_turn_ack_zero'], target: 50 },
  { file: 'turn-reply.png', title: 'Trainee turn → ai_turn', figures: ['turn_reply_zero', 'turn_reply_fixed', 'turn_reply_offline', 'raw_turn_reply_zero', 'raw_turn_reply_fixed'] },
  { file: 'turn-overhead-ratio.png', title: 'Turn → ai_turn over its raw baseline (p99 ratio, zero-latency providers)', figures: ['turn_reply_zero'], target: 4, ratio: true },
  { file: 'termination.png', title: 'Termination lag after the idle deadline', figures: ['termination_lag', 'raw_termination_lag'], target: 250 },
  { file: 'evaluation.png', title: 'Session end → evaluation_ready (p90 target)', figures: ['evaluation_offline', 'raw_evaluation'], target: 5000 },
  { file: 'sse.png', title: 'SSE per-token overhead', figures: ['sse_token_overhead', 'raw_sse_relay_overhead'], target: 5 },
  { file: 'realtime-frames.png', title: 'Realtime frame handling (session process)', figures: ['rt_frame_handling', 'rt_speech_start_event'], target: 50 },
  { file: 'baselines.png', title: 'Raw baselines', figures: ['raw_socketio_echo_frame', 'raw_socketio_echo_turn', 'raw_nats_request', 'raw_jetstream_4_hops'] },
];

interface Verdict {
  target: TargetSpec;
  value: number | null;
  atSessions: number | null;
  knee: number | null;
  met: boolean | null;
  note: string;
}

const statOf = (level: LevelFigure, stat: Stat): number | null => (stat === 'ratioP99' ? (level.ratio?.p99 ?? null) : level[stat]);

export function judge(results: Results): Verdict[] {
  const top = Math.max(...LEVELS);
  return TARGETS.map((target) => {
    const figure = results.figures[target.figure];
    if (!figure?.levels.length) return { target, value: null, atSessions: null, knee: null, met: null, note: 'not measured' };
    const levels = figure.levels;
    const knee = levels.find((l) => (statOf(l, target.stat) ?? Infinity) > target.limit)?.sessions ?? null;
    if (target.atSessions !== undefined) {
      const at = levels.find((l) => l.sessions === target.atSessions);
      const value = at ? statOf(at, target.stat) : null;
      const note = at ? '' : `the ramp stopped at ${levels.at(-1)!.sessions} sessions`;
      return { target, value, atSessions: target.atSessions, knee, met: value !== null && value <= target.limit && !(at!.errorRate > 0.01), note };
    }
    const worst = levels.reduce((w, l) => ((statOf(l, target.stat) ?? Infinity) > (statOf(w, target.stat) ?? Infinity) ? l : w));
    const reached = target.fixedLevel || levels.some((l) => l.sessions >= top);
    const value = statOf(worst, target.stat);
    const note = reached ? '' : `the ramp stopped at ${levels.at(-1)!.sessions} sessions`;
    return { target, value, atSessions: worst.sessions, knee, met: reached && knee === null, note };
  });
}

const fmt = (v: number | null | undefined, unit = '') => (v === null || v === undefined ? '—' : `${v >= 100 ? Math.round(v) : v}${unit}`);

export function markdown(results: Results, options: { processes?: boolean } = {}): string {
  const out: string[] = [];
  const m = results.machine;
  out.push(`Run of ${results.startedAt ?? '?'} on ${m ? `${m.cpus} × ${m.model}, Node ${m.node}, load average at start ${m.loadavgAtStart}` : 'this machine'}; levels ${LEVELS.join(', ')} sessions.`);
  out.push('', '### Targets', '', '| target | measured | knee (first level over) | met |', '|---|---|---|---|');
  for (const v of judge(results)) {
    const unit = v.target.stat === 'ratioP99' ? '×' : ' ms';
    const measured = v.value === null ? '—' : `${v.target.stat === 'ratioP99' ? 'p99 ratio' : v.target.stat} ${fmt(v.value, unit)} at ${v.atSessions} sessions`;
    const met = v.met === null ? 'not measured' : v.met ? 'met' : `**not met**${v.note ? ` (${v.note})` : ''}`;
    out.push(`| ${v.target.text} | ${measured} | ${v.knee === null ? '—' : `${v.knee} sessions`} | ${met} |`);
  }

  const figures = Object.entries(results.figures);
  const columns = [...new Set(figures.flatMap(([, f]) => f.levels.map((l) => l.sessions)))].sort((a, b) => a - b);
  out.push('', '### Every figure (ms): p50 / p99 (n, errors) per concurrent sessions; ratio = p99 over the raw baseline\'s p99', '');
  out.push(`| figure | providers | ${columns.map((c) => `${c}`).join(' | ')} |`, `|---|---|${columns.map(() => '---').join('|')}|`);
  const order = (f: Figure) => (f.providers === 'raw' ? 1 : 0);
  for (const [id, figure] of figures.sort((a, b) => order(a[1]) - order(b[1]) || a[0].localeCompare(b[0]))) {
    const cells = columns.map((c) => {
      const l = figure.levels.find((x) => x.sessions === c);
      if (!l) return '';
      const ratio = l.ratio?.p99 !== undefined && l.ratio?.p99 !== null ? ` ×${l.ratio.p99}` : '';
      const err = l.errors ? `, ${l.errors} err${l.stopped ? ' — stopped' : ''}` : '';
      return `${fmt(l.p50)} / ${fmt(l.p99)} (${l.n}${err})${ratio}`;
    });
    out.push(`| \`${id}\` ${figure.title} | ${figure.providers} | ${cells.join(' | ')} |`);
  }

  const scenarios = Object.entries(results.processes);
  if (scenarios.length && options.processes !== false) {
    out.push('', '### CPU (% of one core) and resident memory (MB, peak) of each process during each level', '');
    out.push('| scenario | sessions | processes |', '|---|---|---|');
    for (const [scenario, rows] of scenarios) {
      for (const row of rows) {
        const cells = Object.entries(row.usage)
          .map(([name, u]) => `${name} ${u.cpuPct}% ${u.rssMbMax} MB`)
          .join(', ');
        out.push(`| ${scenario} | ${row.sessions} | ${cells} |`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}

// ---- charts ---------------------------------------------------------------------------------------------------

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#7f7f7f', '#9467bd', '#8c564b'];

export function chartSvg(results: Results, chart: (typeof CHARTS)[number]): string | null {
  const series = chart.figures
    .map((id) => ({ id, figure: results.figures[id] }))
    .filter((s): s is { id: string; figure: Figure } => Boolean(s.figure?.levels.length));
  if (!series.length) return null;
  const W = 760;
  const H = 420;
  const pad = { left: 86, right: 220, top: 40, bottom: 50 };
  const xs = [...new Set(series.flatMap((s) => s.figure.levels.map((l) => l.sessions)))].sort((a, b) => a - b);
  const point = (l: LevelFigure, stat: 'p50' | 'p99') => (chart.ratio ? (stat === 'p99' ? l.ratio?.p99 : l.ratio?.p50) : l[stat]) ?? null;
  const values = series.flatMap((s) => s.figure.levels.flatMap((l) => [point(l, 'p50'), point(l, 'p99')])).filter((v): v is number => v !== null && v > 0);
  if (chart.target) values.push(chart.target);
  if (!values.length) return null;
  // Log scale: the figures of one chart span from a socket round trip to a provider's reply.
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values) * 1.01));
  const x = (sessions: number) => pad.left + (xs.length === 1 ? 0.5 : xs.indexOf(sessions) / (xs.length - 1)) * (W - pad.left - pad.right);
  const y = (v: number) => pad.top + (1 - (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (H - pad.top - pad.bottom);
  const parts: string[] = [];
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2 - pad.right / 2 + pad.left / 2}" y="24" font-size="16" text-anchor="middle" font-weight="bold">${escape(chart.title)}</text>`);
  for (let t = lo; t <= hi; t *= 10) {
    parts.push(`<line x1="${pad.left}" x2="${W - pad.right}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`);
    parts.push(`<text x="${pad.left - 8}" y="${y(t) + 4}" font-size="12" text-anchor="end">${t >= 1 ? t : t.toFixed(Math.abs(Math.log10(t)))}${chart.ratio ? '×' : ' ms'}</text>`);
  }
  for (const s of xs) {
    parts.push(`<line x1="${x(s)}" x2="${x(s)}" y1="${pad.top}" y2="${H - pad.bottom}" stroke="#eee"/>`);
    parts.push(`<text x="${x(s)}" y="${H - pad.bottom + 18}" font-size="12" text-anchor="middle">${s}</text>`);
  }
  parts.push(`<text x="${(pad.left + W - pad.right) / 2}" y="${H - 10}" font-size="13" text-anchor="middle">concurrent sessions</text>`);
  parts.push(`<line x1="${pad.left}" x2="${pad.left}" y1="${pad.top}" y2="${H - pad.bottom}" stroke="#333"/>`);
  parts.push(`<line x1="${pad.left}" x2="${W - pad.right}" y1="${H - pad.bottom}" y2="${H - pad.bottom}" stroke="#333"/>`);
  if (chart.target) {
    parts.push(`<line x1="${pad.left}" x2="${W - pad.right}" y1="${y(chart.target)}" y2="${y(chart.target)}" stroke="#d62728" stroke-width="2" stroke-dasharray="8 4"/>`);
    parts.push(`<text x="${W - pad.right - 4}" y="${y(chart.target) - 6}" font-size="12" fill="#d62728" text-anchor="end">target ${chart.target}${chart.ratio ? '×' : ' ms'}</text>`);
  }
  series.forEach(({ id, figure }, i) => {
    const color = COLORS[i % COLORS.length]!;
    for (const stat of ['p99', 'p50'] as const) {
      const pts = figure.levels.map((l) => [l.sessions, point(l, stat)] as const).filter((p): p is readonly [number, number] => p[1] !== null && p[1] > 0);
      if (!pts.length) continue;
      const dash = stat === 'p50' ? ' stroke-dasharray="4 3"' : '';
      parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${pts.map(([s, v]) => `${x(s)},${y(v)}`).join(' ')}"/>`);
      for (const [s, v] of pts) parts.push(`<circle cx="${x(s)}" cy="${y(v)}" r="${stat === 'p99' ? 4 : 3}" fill="${stat === 'p99' ? color : 'white'}" stroke="${color}"/>`);
    }
    const ly = pad.top + 10 + i * 34;
    parts.push(`<line x1="${W - pad.right + 16}" x2="${W - pad.right + 40}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${W - pad.right + 46}" y="${ly + 4}" font-size="12">${escape(id)}</text>`);
    parts.push(`<text x="${W - pad.right + 46}" y="${ly + 18}" font-size="10" fill="#666">${figure.providers}; solid p99, dashed p50</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans">${parts.join('')}</svg>`;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A font the rasteriser can use (resvg-wasm has no access to the system's): DejaVu Sans where Debian puts it. */
const FONTS = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf'];

async function renderCharts(results: Results): Promise<string[]> {
  const dir = join(RESULTS_DIR, 'charts');
  mkdirSync(dir, { recursive: true });
  for (const old of readdirSync(dir)) rmSync(join(dir, old));
  const svgs = CHARTS.map((chart) => ({ chart, svg: chartSvg(results, chart) })).filter((c): c is { chart: (typeof CHARTS)[number]; svg: string } => c.svg !== null);
  if (!svgs.length) return [];
  // resvg compiled to WebAssembly: PNG without a browser or a native module.
  await initResvg();
  const font = FONTS.find((file) => existsSync(file));
  const files: string[] = [];
  for (const { chart, svg } of svgs) {
    const png = new Resvg(svg, {
      background: 'white',
      font: { fontBuffers: font ? [new Uint8Array(readFileSync(font))] : [], defaultFontFamily: 'DejaVu Sans', loadSystemFonts: false },
    })
      .render()
      .asPng();
    writeFileSync(join(dir, chart.file), png);
    files.push(chart.file);
  }
  return files;
}

let resvgReady: Promise<void> | null = null;
const initResvg = () => (resvgReady ??= initWasm(readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm'))));

export async function renderReport(): Promise<void> {
  const results = readResults();
  if (!Object.keys(results.figures).length) return;
  const charts = await renderCharts(results).catch((error: Error) => {
    process.stdout.write(`[bench] charts not rendered: ${error.message}\n`);
    return [] as string[];
  });
  const md = `# Benchmark results\n\n${markdown(results)}\n${charts.map((file) => `![${file}](charts/${file})`).join('\n')}\n`;
  writeFileSync(join(RESULTS_DIR, 'results.md'), md);
  if (!process.env.BENCH_LEVELS) updateReadme(results);
  process.stdout.write(`\n${md}\n[bench] report: bench-results/results.md, results.json, charts/\n`);
}

/** The README's benchmark section carries the latest full run's tables (between its bench-results markers). */
function updateReadme(results: Results): void {
  const readme = join(RESULTS_DIR, '..', 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- bench-results:start -->';
  const end = '<!-- bench-results:end -->';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) return;
  const body = `${markdown(results, { processes: false }).trim()}\n\nCPU and memory of each process per level: \`bench-results/results.md\`.`.replace(/^### /gm, '#### ').trim();
  writeFileSync(readme, `${text.slice(0, from + start.length)}\nLatest full run (charts in \`bench-results/charts/\`):\n\n${body}\n${text.slice(to)}`);
}
