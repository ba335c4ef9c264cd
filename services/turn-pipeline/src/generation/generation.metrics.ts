import { Injectable } from '@nestjs/common';
import { Metrics } from '@parley/observability';
import type { Counter, Gauge, Histogram } from 'prom-client';

const SECONDS = [0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 4, 8, 15];

/** Live generations (realtime voice). Labels are bounded: never a session or generation id. */
@Injectable()
export class GenerationMetrics {
  /** `pipeline.generate` accepted → first delta published, by whether the offline script played. */
  readonly firstTokenSeconds: Histogram;
  /** `pipeline.generate` accepted → first audio chunk published, by synthesizer (flite, openai). */
  readonly firstAudioSeconds: Histogram;
  /** Generations by outcome: completed, cancelled, session_ended, failed, rejected. */
  readonly generations: Counter;
  /** Generations running on this replica now. */
  readonly active: Gauge;

  constructor(metrics: Metrics) {
    this.firstTokenSeconds = metrics.histogram(
      'pipeline_generation_first_token_seconds',
      'Live generation: request accepted until the first text delta was published',
      ['offline'],
      SECONDS,
    );
    this.firstAudioSeconds = metrics.histogram(
      'pipeline_generation_first_audio_seconds',
      'Live generation: request accepted until the first audio chunk was published',
      ['synthesizer'],
      SECONDS,
    );
    this.generations = metrics.counter('pipeline_generations_total', 'Live generations by outcome', ['outcome']);
    this.active = metrics.gauge('pipeline_generations_active', 'Live generations running on this replica');
  }
}
