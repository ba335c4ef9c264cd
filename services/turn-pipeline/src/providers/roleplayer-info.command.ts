import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Bus } from '@parley/bus';
import { Commands, type RoleplayerInfo } from '@parley/contracts';
import type { Providers } from '@parley/providers';
import { PIPELINE_CONFIG, type TurnPipelineConfig } from '../config';
import { PROVIDERS } from './providers.provider';

/** Tells the catalog how personas are played here: only this service knows its providers. */
@Injectable()
export class RoleplayerInfoCommand implements OnApplicationBootstrap {
  constructor(
    private readonly bus: Bus,
    @Inject(PROVIDERS) private readonly providers: Providers,
    @Inject(PIPELINE_CONFIG) private readonly config: TurnPipelineConfig,
  ) {}

  onApplicationBootstrap(): void {
    const info: RoleplayerInfo = {
      offline: this.providers.offline,
      model: this.providers.offline ? 'offline-script' : (this.config.LLM_MODEL ?? 'default'),
    };
    this.bus.serve({ [Commands.RoleplayerInfo]: async () => info });
  }
}
