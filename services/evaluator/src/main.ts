// Tracing first: the OpenTelemetry SDK patches http, express, Nest and pg as they are required below.
import { startTracing } from '@parley/observability/dist/tracing';
startTracing('evaluator');
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
