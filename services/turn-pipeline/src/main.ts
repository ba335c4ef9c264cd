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
