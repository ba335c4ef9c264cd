import { bootstrapService, runService } from '@parley/observability';
import express from 'express';
import { gatewayModule } from './app.module';
import { loadGatewayConfig } from './config';
import { defaultWebDist, serveWebClient } from './web/web-client';

async function main() {
  const config = loadGatewayConfig();
  await bootstrapService(gatewayModule(config), {
    service: 'gateway',
    port: config.GATEWAY_PORT,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    configure: (app) => {
      app.setGlobalPrefix('api', { exclude: ['health', 'ready', 'metrics'] });
      const origins = config.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
      app.enableCors({ origin: origins.length ? origins : false, credentials: true });
      const http = app.getHttpAdapter().getInstance() as express.Express;
      http.set('trust proxy', 1);
      http.disable('x-powered-by');
      serveWebClient(app, config.WEB_DIST || defaultWebDist());
    },
  });
}

runService("gateway", main);
