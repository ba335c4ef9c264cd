import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Bus } from '@parley/bus';
import { AppError, Commands, type GenerateRequest } from '@parley/contracts';
import type { Providers } from '@parley/providers';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConversationRepository } from '../conversation/conversation.repository';
import { PROVIDERS } from '../providers/providers.provider';
import { Generation } from './generation';
import { ObjectiveCheckService } from '../reply/objective-check.service';
import { GENERATION_CONFIG, type GenerationConfig } from './generation.config';
import { GenerationMetrics } from './generation.metrics';

/**
 * Serves `pipeline.generate` (realtime voice, SPEC §7): answers `{accepted: true}` at once and runs the generation in
 * the background, its events on `gen.<generationId>`. At most GENERATION_CONCURRENCY run per replica; beyond that
 * the request is answered `capacity_exceeded` (the owner may ask again: another replica may take it).
 */
@Injectable()
export class GenerationService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(GenerationService.name);
  private readonly running = new Map<string, { generation: Generation; finished: Promise<unknown> }>();
  private closing = false;

  constructor(
    private readonly bus: Bus,
    private readonly conversations: ConversationRepository,
    @Inject(PROVIDERS) private readonly providers: Providers,
    private readonly metrics: GenerationMetrics,
    private readonly objectives: ObjectiveCheckService,
    @Inject(GENERATION_CONFIG) private readonly config: GenerationConfig,
  ) {}

  onApplicationBootstrap(): void {
    // The bus has parsed the request against GenerateRequestSchema: a malformed one never gets here.
    this.bus.serve({ [Commands.Generate]: async (payload) => this.accept(payload as GenerateRequest) });
    // Flite compiles its 21 MB WebAssembly module on first use (about a second): not on the first trainee's time.
    const { synthesizer } = this.providers;
    if (synthesizer.name === 'flite') void synthesizer.synthesizePcm?.('Ready.').catch(() => undefined);
  }

  /** Starts a generation; its cancel subject is listened to before the request is answered. */
  accept(request: GenerateRequest): { accepted: true } {
    if (this.closing) throw new AppError('unavailable', 'This turn-pipeline replica is shutting down');
    if (this.running.has(request.generationId)) throw new AppError('conflict', 'This generation is already running');
    if (this.running.size >= this.config.concurrency) {
      this.metrics.generations.inc({ outcome: 'rejected' });
      throw new AppError('capacity_exceeded', 'Too many live generations on this replica', { retryAfterSec: 1 });
    }
    const generation = new Generation(request, {
      bus: this.bus,
      providers: this.providers,
      conversations: this.conversations,
      metrics: this.metrics,
      objectives: this.objectives,
      logger: this.logger,
      chunkMs: this.config.chunkMs,
    });
    generation.listen();
    this.metrics.active.inc();
    const finished = generation.run().then((outcome) => {
      this.running.delete(request.generationId);
      this.metrics.active.dec();
      this.metrics.generations.inc({ outcome });
    });
    this.running.set(request.generationId, { generation, finished });
    return { accepted: true };
  }

  /** Running generations may finish for a while; the rest end with `unavailable` so their owners ask again. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    if (this.running.size === 0) return;
    const all = () => Promise.all([...this.running.values()].map((r) => r.finished));
    await Promise.race([all(), sleep(this.config.shutdownWaitMs)]);
    for (const { generation } of this.running.values()) {
      generation.stop('abandoned', new AppError('unavailable', 'The turn-pipeline replica shut down during the generation'));
    }
    await all();
  }
}
