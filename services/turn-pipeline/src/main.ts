// Tracing first: the OpenTelemetry SDK patches http, express, Nest and pg as they are required below.
import { startTracing } from '@parley/observability/dist/tracing';
startTracing('turn-pipeline');
import { bootstrapService, runService } from '@parley/observability';
import { turnPipelineModule } from './app.module';
import { loadTurnPipelineConfig } from './config';

runService('turn-pipeline', async () => {
  const config = loadTurnPipelineConfig();
  await bootstrapService(turnPipelineModule(config), {
    service: 'turn-pipeline',
    port: config.TURN_PIPELINE_PORT,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
  });
});
