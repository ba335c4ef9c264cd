import { Inject, Injectable } from '@nestjs/common';
import type { Providers } from '@parley/providers';
import { PipelineMetrics } from '../pipeline.metrics';
import { PROVIDERS } from '../providers/providers.provider';

export interface Speech {
  mp3: Buffer;
  durationMs: number;
  firstByteMs: number;
  startedAt: Date;
  endedAt: Date;
}

/** Speech synthesis of an AI line in the persona's voice (providers map voices they do not know to their default). */
@Injectable()
export class SpeechService {
  constructor(
    @Inject(PROVIDERS) private readonly providers: Providers,
    private readonly metrics: PipelineMetrics,
  ) {}

  async speak(text: string, voice: string, signal?: AbortSignal): Promise<Speech> {
    const { synthesizer } = this.providers;
    const startedAt = new Date();
    const result = await synthesizer.synthesize(text, voice, { signal });
    const endedAt = new Date();
    this.metrics.synthesisSeconds.observe({ synthesizer: synthesizer.name }, (endedAt.getTime() - startedAt.getTime()) / 1000);
    return { mp3: result.mp3, durationMs: result.durationMs, firstByteMs: result.firstByteMs, startedAt, endedAt };
  }
}
