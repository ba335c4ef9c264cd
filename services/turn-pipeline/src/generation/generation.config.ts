import type { Provider } from '@nestjs/common';
import { z } from 'zod';
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

/**
 * `GENERATION_CONCURRENCY` (default 64). Read here rather than in TurnPipelineEnv so the feature stays in its folder;
 * it belongs in config.ts next to PIPELINE_CONCURRENCY.
 */
const GenerationEnv = z.object({
  GENERATION_CONCURRENCY: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(4096).default(64)),
});

export const generationConfigProvider: Provider = {
  provide: GENERATION_CONFIG,
  inject: [PIPELINE_CONFIG],
  useFactory: (config: TurnPipelineConfig): GenerationConfig => ({
    concurrency: GenerationEnv.parse(process.env).GENERATION_CONCURRENCY,
    chunkMs: 200,
    shutdownWaitMs: Math.floor(config.SHUTDOWN_GRACE_MS / 2),
  }),
};
