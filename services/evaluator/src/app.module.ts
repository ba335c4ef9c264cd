import { Module } from '@nestjs/common';
import { BusModule } from '@parley/bus';
import { DbModule } from '@parley/db';
import { ObservabilityModule } from '@parley/observability';
import { QueueModule } from '@parley/queue';
import type { EvaluatorConfig } from './config';

/** The evaluation worker's shell: its dependencies and health endpoints. Scoring arrives with its own issue. */
export function evaluatorModule(config: EvaluatorConfig) {
  @Module({
    imports: [
      ObservabilityModule.forRoot({ service: 'evaluator', logLevel: config.LOG_LEVEL }),
      BusModule.forRoot({
        url: config.NATS_URL,
        namespace: config.PARLEY_NAMESPACE,
        service: 'evaluator',
        requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
        shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
      }),
      QueueModule.forRoot({ redisUrl: config.REDIS_URL, namespace: config.PARLEY_NAMESPACE, service: 'evaluator' }),
      DbModule.forRoot({ databaseUrl: config.DATABASE_URL }),
    ],
  })
  class EvaluatorModule {}
  return EvaluatorModule;
}
