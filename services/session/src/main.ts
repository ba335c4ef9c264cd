import './threadpool';
// Tracing first: the OpenTelemetry SDK patches http, express, Nest and pg as they are required below.
import { startTracing } from '@parley/observability/dist/tracing';
startTracing('session');
import { bootstrapService, runService } from '@parley/observability';
import { sessionModule } from './app.module';
import { loadSessionConfig } from './config';

runService('session', async () => {
  const config = loadSessionConfig();
  await bootstrapService(sessionModule(config), {
    service: 'session',
    port: config.SESSION_PORT,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
  });
});
