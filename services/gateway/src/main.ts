// Tracing first: the OpenTelemetry SDK patches http, express, Nest and pg as they are required below.
import { startTracing } from '@parley/observability/dist/tracing';
startTracing('gateway');
import { Readiness, bootstrapService, runService } from '@parley/observability';
import express from 'express';
import { DASHBOARD_PATH } from './admin/operator-auth';
import { mountQueueDashboard } from './admin/queue-dashboard';
import { gatewayModule } from './app.module';
import { corsOrigins, loadGatewayConfig } from './config';
import { RedisIoAdapter } from './practice/redis-io.adapter';
import { applySecurityHeaders } from './web/security-headers';
import { defaultWebDist, serveWebClient } from './web/web-client';

async function main() {
  const config = loadGatewayConfig();
  await bootstrapService(gatewayModule(config), {
    service: 'gateway',
    port: config.GATEWAY_PORT,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    configure: (app) => {
      applySecurityHeaders(app, config, DASHBOARD_PATH);
      app.setGlobalPrefix('api', { exclude: ['health', 'ready', 'metrics'] });
      app.enableCors({ origin: corsOrigins(config), credentials: true });
      // socket.io shares the HTTP server; rooms span replicas through Redis (see RedisIoAdapter).
      const io = new RedisIoAdapter(app, config);
      app.useWebSocketAdapter(io);
      app.get(Readiness).register('socket-redis', () => io.ping());
      const http = app.getHttpAdapter().getInstance() as express.Express;
      http.set('trust proxy', 1);
      http.disable('x-powered-by');
      mountQueueDashboard(app);
      serveWebClient(app, config.WEB_DIST || defaultWebDist());
    },
  });
}

runService("gateway", main);
