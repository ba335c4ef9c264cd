import type { Provider } from '@nestjs/common';
import { generationConfigProvider } from './generation.config';
import { GenerationMetrics } from './generation.metrics';
import { GenerationService } from './generation.service';

/** Everything the live generation feature adds to the turn-pipeline module. */
export const generationProviders: Provider[] = [generationConfigProvider, GenerationMetrics, GenerationService];
