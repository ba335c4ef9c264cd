import { Module } from '@nestjs/common';
import { BusModule } from '@parley/bus';
import { DbModule } from '@parley/db';
import { ObservabilityModule } from '@parley/observability';
import { QueueModule } from '@parley/queue';
import { StorageModule, storageConfigFromEnv } from '@parley/storage';
import { AiTurnPublisher } from './ai-turn/ai-turn.publisher';
import { SpeechService } from './ai-turn/speech.service';
import { PIPELINE_CONFIG, type TurnPipelineConfig } from './config';
import { ConversationRepository } from './conversation/conversation.repository';
import { generationProviders } from './generation';
import { TurnPipelineWorker } from './jobs/turn-pipeline.worker';
import { OpeningTurnService } from './opening/opening-turn.service';
import { SessionCreatedConsumer } from './opening/session-created.consumer';
import { PipelineMetrics } from './pipeline.metrics';
import { providersProvider } from './providers/providers.provider';
import { RoleplayerInfoCommand } from './providers/roleplayer-info.command';
import { ObjectiveCheckService } from './reply/objective-check.service';
import { ReplyTriggerConsumer } from './reply/reply-trigger.consumer';
import { ReplyReconciler } from './reply/reply-reconciler.service';
import { ReplyStreams } from './reply/reply-stream';
import { ReplyTurnService } from './reply/reply-turn.service';

export function turnPipelineModule(config: TurnPipelineConfig) {
  @Module({
    imports: [
      ObservabilityModule.forRoot({ service: 'turn-pipeline', logLevel: config.LOG_LEVEL }),
      BusModule.forService('turn-pipeline', config),
      QueueModule.forRoot({ redisUrl: config.REDIS_URL, namespace: config.PARLEY_NAMESPACE, service: 'turn-pipeline' }),
      DbModule.forRoot({ databaseUrl: config.DATABASE_URL }),
      StorageModule.forRoot(storageConfigFromEnv(config)),
    ],
    providers: [
      { provide: PIPELINE_CONFIG, useValue: config },
      providersProvider,
      PipelineMetrics,
      ConversationRepository,
      SpeechService,
      AiTurnPublisher,
      ObjectiveCheckService,
      OpeningTurnService,
      ReplyStreams,
      ReplyTurnService,
      ReplyReconciler,
      TurnPipelineWorker,
      SessionCreatedConsumer,
      ReplyTriggerConsumer,
      RoleplayerInfoCommand,
      ...generationProviders,
    ],
  })
  class TurnPipelineModule {}
  return TurnPipelineModule;
}
