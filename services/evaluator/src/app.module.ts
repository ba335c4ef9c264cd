import { Module } from '@nestjs/common';
import { BusModule } from '@parley/bus';
import { DbModule } from '@parley/db';
import { ObservabilityModule } from '@parley/observability';
import { QueueModule } from '@parley/queue';
import { EVALUATOR_CONFIG, judgeEndpoint, type EvaluatorConfig } from './config';
import { OutboxModule } from '@parley/outbox';
import { EvaluationReconciler } from './evaluations/evaluation-reconciler.service';
import { EvaluationMessaging } from './evaluations/evaluation.messaging';
import { EvaluationService } from './evaluations/evaluation.service';
import { HeuristicJudge } from './scoring/heuristic-judge';
import { JUDGE } from './scoring/judgement';
import { LlmJudge } from './scoring/llm-judge';

export function evaluatorModule(config: EvaluatorConfig) {
  const endpoint = judgeEndpoint(config);
  const judge = endpoint
    ? new LlmJudge(endpoint, { attempts: config.EVAL_LLM_ATTEMPTS, timeoutMs: config.LLM_TIMEOUT_MS, retries: config.LLM_RETRIES })
    : new HeuristicJudge();

  @Module({
    imports: [
      ObservabilityModule.forRoot({ service: 'evaluator', logLevel: config.LOG_LEVEL }),
      BusModule.forService('evaluator', config),
      QueueModule.forRoot({ redisUrl: config.REDIS_URL, namespace: config.PARLEY_NAMESPACE, service: 'evaluator' }),
      DbModule.forRoot({ databaseUrl: config.DATABASE_URL }),
      OutboxModule.forRoot({ service: 'evaluator', table: 'evaluator_outbox' }),
    ],
    providers: [
      { provide: EVALUATOR_CONFIG, useValue: config },
      { provide: JUDGE, useValue: judge },
      EvaluationService,
      EvaluationMessaging,
      EvaluationReconciler,
    ],
  })
  class EvaluatorModule {}
  return EvaluatorModule;
}
