// Tracing first: the OpenTelemetry SDK patches http, express, Nest and pg as they are required below.
import { startTracing } from '@parley/observability/dist/tracing';
startTracing('asr');
import { bootstrapService, runService } from '@parley/observability';
import { asrModule } from './app.module';
import { loadAsrConfig } from './config';

runService('asr', async () => {
  const config = loadAsrConfig();
  await bootstrapService(asrModule(config), { service: 'asr', port: config.ASR_PORT, shutdownGraceMs: config.SHUTDOWN_GRACE_MS });
});
