import type { Provider } from '@nestjs/common';
import { PIPELINE_CONFIG, type TurnPipelineConfig } from '../config';

/** Injection token of the {@link GenerationConfig}. */
export const GENERATION_CONFIG = Symbol('GENERATION_CONFIG');

export interface GenerationConfig {
  /** Live generations at once per replica; a request beyond it is answered `capacity_exceeded`. */
  concurrency: number;
  /** Longest audio chunk published, in milliseconds of speech. */
  chunkMs: number;
  /** On shutdown, how long running generations may finish before they end with `unavailable`. */
  shutdownWaitMs: number;
}

export const generationConfigProvider: Provider = {
  provide: GENERATION_CONFIG,
  inject: [PIPELINE_CONFIG],
  useFactory: (config: TurnPipelineConfig): GenerationConfig => ({
    concurrency: config.GENERATION_CONCURRENCY,
    chunkMs: 200,
    shutdownWaitMs: Math.floor(config.SHUTDOWN_GRACE_MS / 2),
  }),
};
