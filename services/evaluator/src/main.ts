import { bootstrapService, runService } from '@parley/observability';
import { evaluatorModule } from './app.module';
import { loadEvaluatorConfig } from './config';

runService('evaluator', async () => {
  const config = loadEvaluatorConfig();
  await bootstrapService(evaluatorModule(config), {
    service: 'evaluator',
    port: config.EVALUATOR_PORT,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
  });
});
