import { Injectable } from '@nestjs/common';
import { Metrics } from '@parley/observability';
import type { Counter, Histogram } from 'prom-client';

const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

/** What operators watch on the turn pipeline. */
@Injectable()
export class PipelineMetrics {
  /** Trainee turn accepted → AI reply audio stored (SPEC §7: speech end → first audio), by engine. */
  readonly replyLatencySeconds: Histogram;
  /** Roleplayer request → first token, by turn kind (opening, reply). */
  readonly firstTokenSeconds: Histogram;
  /** Whole synthesis of one AI turn, by synthesizer. */
  readonly synthesisSeconds: Histogram;
  /** Provider calls that failed for good (the session ends with provider_error), by role. */
  readonly providerFailures: Counter;
  /** Pipeline jobs by job and outcome: published, skipped, provider_failed. */
  readonly jobs: Counter;

  constructor(metrics: Metrics) {
    this.replyLatencySeconds = metrics.histogram(
      'pipeline_reply_latency_seconds',
      'Trainee turn accepted until the AI reply audio was stored',
      ['engine'],
      SECONDS,
    );
    this.firstTokenSeconds = metrics.histogram('pipeline_llm_first_token_seconds', 'Roleplayer time to first token', ['kind'], SECONDS);
    this.synthesisSeconds = metrics.histogram('pipeline_synthesis_seconds', 'Speech synthesis time of one AI turn', ['synthesizer'], SECONDS);
    this.providerFailures = metrics.counter('pipeline_provider_failures_total', 'Provider calls that failed for good', ['role']);
    this.jobs = metrics.counter('pipeline_jobs_total', 'Pipeline jobs by outcome', ['job', 'outcome']);
  }
}
