import {
  LATENCY_METRICS,
  type GenerationRecord,
  type LatencyBreakdown,
  type LatencyMetric,
  type LatencyStats,
  type LatencyStatsTurn,
  type MetricStats,
} from '@parley/contracts';

/** Stored turns keep `speechEndToAudioMs` (LatencyBreakdown); the wire and the stats call it speechEndToFirstAudioMs. */
const storedField: Record<LatencyMetric, keyof LatencyBreakdown> = {
  transcriptMs: 'transcriptMs',
  llmFirstTokenMs: 'llmFirstTokenMs',
  ttsFirstByteMs: 'ttsFirstByteMs',
  speechEndToFirstAudioMs: 'speechEndToAudioMs',
};

export function metricStats(values: readonly number[]): MetricStats {
  if (values.length === 0) return { n: 0, avg: null, min: null, max: null, p95: null };
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    n: sorted.length,
    avg: Math.round((sum / sorted.length) * 10) / 10,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    // Nearest rank: the smallest value with at least 95% of the values at or below it.
    p95: sorted[Math.ceil(0.95 * sorted.length) - 1],
  };
}

/**
 * SPEC §7.3 latency stats of one session. Latencies come from AI turns (each carries the breakdown of the reply,
 * including the transcript time of the utterance it answers); tokens wasted are those of speculative cancellations.
 */
export function latencyStats(turns: readonly LatencyStatsTurn[], generations: readonly GenerationRecord[]): LatencyStats {
  const aiTurns = turns.filter((turn) => turn.speaker === 'ai');
  const metrics = Object.fromEntries(
    LATENCY_METRICS.map((metric) => {
      const values = aiTurns
        .map((turn) => turn.latency?.[storedField[metric]])
        .filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
      return [metric, metricStats(values)];
    }),
  ) as Record<LatencyMetric, MetricStats>;
  const canceled = generations.filter((generation) => generation.outcome === 'speculative_canceled');
  return {
    ...metrics,
    generations: generations.length,
    cancellations: canceled.length,
    cancellationRate: generations.length === 0 ? 0 : canceled.length / generations.length,
    tokensWasted: canceled.reduce((total, generation) => total + generation.tokens, 0),
    interruptions: aiTurns.filter((turn) => turn.interrupted).length,
  };
}
