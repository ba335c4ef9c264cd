import { Module } from '@nestjs/common';
import { BusModule } from '@parley/bus';
import { DbModule } from '@parley/db';
import { ObservabilityModule } from '@parley/observability';
import { QueueModule } from '@parley/queue';
import { StorageModule, storageConfigFromEnv } from '@parley/storage';
import { ASR_CONFIG, type AsrConfig } from './config';
import { TranscribeTurnJob } from './transcription/transcribe-turn.job';
import { transcriberProvider } from './transcription/transcriber.provider';
import { TranscriptionMetrics } from './transcription/transcription.metrics';
import { TranscriptionRepository } from './transcription/transcription.repository';
import { TranscriptionReconciler } from './transcription/transcription-reconciler.service';
import { TranscriptionService } from './transcription/transcription.service';
import { TurnAcceptedConsumer } from './transcription/turn-accepted.consumer';

export function asrModule(config: AsrConfig) {
  @Module({
    imports: [
      ObservabilityModule.forRoot({ service: 'asr', logLevel: config.LOG_LEVEL }),
      BusModule.forService('asr', config),
      QueueModule.forRoot({ redisUrl: config.REDIS_URL, namespace: config.PARLEY_NAMESPACE, service: 'asr' }),
      DbModule.forRoot({ databaseUrl: config.DATABASE_URL }),
      StorageModule.forRoot(storageConfigFromEnv(config)),
    ],
    providers: [
      { provide: ASR_CONFIG, useValue: config },
      transcriberProvider,
      TranscriptionMetrics,
      TranscriptionRepository,
      TranscriptionService,
      TranscriptionReconciler,
      TranscribeTurnJob,
      TurnAcceptedConsumer,
    ],
  })
  class AsrModule {}
  return AsrModule;
}
