import { Module } from '@nestjs/common';
import { BusModule } from '@parley/bus';
import { ObservabilityModule } from '@parley/observability';
import { QueueModule } from '@parley/queue';
import type { AsrConfig } from './config';

export function asrModule(config: AsrConfig) {
  @Module({
    imports: [
      ObservabilityModule.forRoot({ service: 'asr', logLevel: config.LOG_LEVEL }),
      BusModule.forRoot({
        url: config.NATS_URL,
        namespace: config.PARLEY_NAMESPACE,
        service: 'asr',
        requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
        shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
      }),
      QueueModule.forRoot({ redisUrl: config.REDIS_URL, namespace: config.PARLEY_NAMESPACE, service: 'asr' }),
    ],
  })
  class AsrModule {}
  return AsrModule;
}
