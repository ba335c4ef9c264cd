import type { GenerationRecord, LatencyStatsTurn } from '@parley/contracts';
import { heardText } from './heard';
import { latencyStats, metricStats } from './latency-stats';

const generation = (outcome: GenerationRecord['outcome'], tokens: number): GenerationRecord => ({
  id: `${outcome}-${tokens}`,
  outcome,
  tokens,
  startedAt: '2026-01-01T00:00:00.000Z',
  firstTokenAt: null,
  endedAt: '2026-01-01T00:00:01.000Z',
});

describe('latency stats', () => {
  it('computes n, avg, min, max and the nearest-rank p95', () => {
    const values = Array.from({ length: 20 }, (_, i) => (20 - i) * 100);
    expect(metricStats(values)).toEqual({ n: 20, avg: 1050, min: 100, max: 2000, p95: 1900 });
    expect(metricStats([7])).toEqual({ n: 1, avg: 7, min: 7, max: 7, p95: 7 });
    expect(metricStats([1, 2])).toEqual({ n: 2, avg: 1.5, min: 1, max: 2, p95: 2 });
    expect(metricStats([])).toEqual({ n: 0, avg: null, min: null, max: null, p95: null });
  });

  it('reads AI turns only, maps the stored field names, and counts cancellations and interruptions', () => {
    const turns: LatencyStatsTurn[] = [
      { speaker: 'trainee', interrupted: false, latency: { transcriptMs: 9999 } },
      { speaker: 'ai', interrupted: false, latency: { llmFirstTokenMs: 300, ttsFirstByteMs: 100 } },
      {
        speaker: 'ai',
        interrupted: true,
        latency: { transcriptMs: 120, llmFirstTokenMs: 500, ttsFirstByteMs: 200, speechEndToAudioMs: 800 },
      },
      { speaker: 'ai', interrupted: false, latency: null },
    ];
    const stats = latencyStats(turns, [
      generation('completed', 40),
      generation('speculative_canceled', 12),
      generation('speculative_canceled', 8),
      generation('interrupted', 30),
    ]);
    expect(stats.transcriptMs).toEqual({ n: 1, avg: 120, min: 120, max: 120, p95: 120 });
    expect(stats.llmFirstTokenMs).toEqual({ n: 2, avg: 400, min: 300, max: 500, p95: 500 });
    expect(stats.speechEndToFirstAudioMs).toEqual({ n: 1, avg: 800, min: 800, max: 800, p95: 800 });
    expect(stats).toMatchObject({ generations: 4, cancellations: 2, cancellationRate: 0.5, tokensWasted: 20, interruptions: 1 });
  });

  it('has a zero cancellation rate without generations', () => {
    expect(latencyStats([], [])).toMatchObject({ generations: 0, cancellationRate: 0, tokensWasted: 0, interruptions: 0 });
  });
});

describe('heard text', () => {
  const segments = [
    { text: 'One two three.', ms: 500 },
    { text: 'Four five six.', ms: 500 },
  ];

  it('keeps whole segments, then whole words of the share heard of the next', () => {
    expect(heardText(segments, 1000)).toBe('One two three. Four five six.');
    expect(heardText(segments, 500)).toBe('One two three.');
    expect(heardText(segments, 750)).toBe('One two three. Four');
    expect(heardText(segments, 860)).toBe('One two three. Four five');
    expect(heardText(segments, 100)).toBe('');
    expect(heardText(segments, 0)).toBe('');
  });
});
