import { Injectable } from '@nestjs/common';
import { Metrics } from '@parley/observability';
import type { Counter, Histogram } from 'prom-client';

/** What operators watch on the ASR workers. */
@Injectable()
export class TranscriptionMetrics {
  /** Provider time of one transcription, by provider and result. */
  readonly transcribeSeconds: Histogram;
  /** Turn accepted → transcript published (SPEC §7: speech end → transcript final). */
  readonly transcriptLatencySeconds: Histogram;
  /** Transcription jobs by outcome: done, failed, skipped. */
  readonly jobs: Counter;

  constructor(metrics: Metrics) {
    const buckets = [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];
    this.transcribeSeconds = metrics.histogram('asr_transcribe_seconds', 'Time spent in the transcriber', ['provider', 'status'], buckets);
    this.transcriptLatencySeconds = metrics.histogram(
      'asr_transcript_latency_seconds',
      'Trainee turn accepted until its transcript was published',
      ['status'],
      buckets,
    );
    this.jobs = metrics.counter('asr_transcriptions_total', 'Transcription jobs by outcome', ['outcome']);
  }
}
