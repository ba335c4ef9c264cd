import type { LatencyEvent, LatencyStats, TelemetryEvent } from '@parley/contracts';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** One AI turn's server-measured latency (SPEC §7.3), numbered from the first AI turn. */
export interface LatencyPoint extends Omit<LatencyEvent, 'sessionId'> {
  turn: number;
}

const COLORS = { transcription: '#7aa2f7', firstToken: '#9ece6a', firstAudio: '#e0af68', rest: '#c0c6d9', total: '#3454d1' };

const ms = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${Math.round(value)} ms`);
const percent = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${Math.round(value * 100)} %`);

/** The stacked pieces of one turn: transcription, first token, first audio, and the rest of the total. */
export function breakdown(point: LatencyPoint) {
  const transcription = point.transcriptMs ?? 0;
  const firstToken = point.llmFirstTokenMs ?? 0;
  const firstAudio = point.ttsFirstByteMs ?? 0;
  const total = point.speechEndToFirstAudioMs;
  const rest = total === null ? 0 : Math.max(0, total - transcription - firstToken - firstAudio);
  return { label: `Turn ${point.turn}`, transcription, firstToken, firstAudio, rest, total };
}

/**
 * Latency of the live conversation: the last turns' breakdown as small stacked bars, speech end → first audio over
 * the session as a line, and the turn-taking telemetry.
 */
export function LatencyPanel({
  points,
  telemetry,
  stats,
  interruptions,
  debounceMs,
}: {
  points: LatencyPoint[];
  telemetry: TelemetryEvent | null;
  stats: LatencyStats | null;
  interruptions: number;
  /** The current setting, until telemetry reports the debounce in use. */
  debounceMs: number | null;
}) {
  const last = points.at(-1);
  const recent = points.slice(-5).map(breakdown);
  const series = points.map((p) => ({ turn: p.turn, total: p.speechEndToFirstAudioMs, firstToken: p.llmFirstTokenMs }));
  const answered = points.filter((p) => p.speechEndToFirstAudioMs !== null);
  return (
    <section className="panel live-panel" aria-labelledby="latency-title" data-testid="latency-panel">
      <h2 id="latency-title">Latency</h2>
      {!last ? (
        <p className="meta">Filled in after each answer: how long it took from the end of your speech to the first sound.</p>
      ) : (
        <>
          <p data-testid="latency-last" className="latency-headline">
            Last answer: <strong>{ms(last.speechEndToFirstAudioMs)}</strong> from the end of your speech to the first sound
            {last.speechEndToFirstAudioMs === null && ' (the opening line has no speech before it)'}
          </p>
          <dl className="latency-parts">
            <div><dt><i style={{ background: COLORS.transcription }} />Transcript</dt><dd>{ms(last.transcriptMs)}</dd></div>
            <div><dt><i style={{ background: COLORS.firstToken }} />1st token</dt><dd>{ms(last.llmFirstTokenMs)}</dd></div>
            <div><dt><i style={{ background: COLORS.firstAudio }} />1st audio</dt><dd>{ms(last.ttsFirstByteMs)}</dd></div>
            <div><dt><i style={{ background: COLORS.total }} />Total</dt><dd>{ms(last.speechEndToFirstAudioMs)}</dd></div>
          </dl>
          <h3>Per turn</h3>
          <div className="chart" style={{ height: 40 + recent.length * 28 }} data-testid="latency-breakdown-chart">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={recent} layout="vertical" margin={{ top: 0, right: 8, bottom: 0, left: 0 }} barSize={14}>
                <XAxis type="number" unit=" ms" tick={{ fontSize: 11 }} allowDecimals={false} />
                <YAxis type="category" dataKey="label" width={56} tick={{ fontSize: 11 }} />
                <Tooltip formatter={(value) => `${Math.round(Number(value))} ms`} />
                <Bar dataKey="transcription" name="Transcription" stackId="t" fill={COLORS.transcription} isAnimationActive={false} />
                <Bar dataKey="firstToken" name="First token" stackId="t" fill={COLORS.firstToken} isAnimationActive={false} />
                <Bar dataKey="firstAudio" name="First audio" stackId="t" fill={COLORS.firstAudio} isAnimationActive={false} />
                <Bar dataKey="rest" name="Pause and the rest" stackId="t" fill={COLORS.rest} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
          <h3>Over the session</h3>
          <div className="chart" style={{ height: answered.length ? 150 : 'auto' }} data-testid="latency-over-time-chart">
            {answered.length ? (
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={series} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
                  <CartesianGrid stroke="#e3e7f2" vertical={false} />
                  <XAxis dataKey="turn" tick={{ fontSize: 11 }} allowDecimals={false} />
                  <YAxis unit=" ms" width={60} tick={{ fontSize: 11 }} allowDecimals={false} />
                  <Tooltip formatter={(value) => `${Math.round(Number(value))} ms`} labelFormatter={(turn) => `Turn ${turn}`} />
                  <Legend wrapperStyle={{ fontSize: 12 }} />
                  <Line dataKey="total" name="To first sound" stroke={COLORS.total} strokeWidth={2} dot connectNulls isAnimationActive={false} />
                  <Line dataKey="firstToken" name="First token" stroke={COLORS.firstToken} strokeWidth={1.5} dot={false} connectNulls isAnimationActive={false} />
                </LineChart>
              </ResponsiveContainer>
            ) : (
              <p className="meta">Speak to the roleplayer to see how fast it answers.</p>
            )}
          </div>
        </>
      )}
      <dl className="stats telemetry" data-testid="telemetry">
        <div><dt>Interruptions</dt><dd>{Math.max(stats?.interruptions ?? 0, interruptions)}</dd></div>
        <div><dt>Cancellation rate</dt><dd>{percent(telemetry?.cancellationRate ?? stats?.cancellationRate)}</dd></div>
        <div><dt>Pause before answering</dt><dd>{ms(telemetry?.debounceMs ?? debounceMs)}</dd></div>
        <div><dt>Average to first sound</dt><dd>{ms(telemetry?.avgSpeechEndToFirstAudioMs ?? stats?.speechEndToFirstAudioMs.avg)}</dd></div>
      </dl>
    </section>
  );
}
