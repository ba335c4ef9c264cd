import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SERVER_PATHS = /^\/(api|socket\.io|health|ready|metrics|admin)(\/|$)/;

/** Default location of the built client relative to this file (services/gateway/dist/web → web/dist). */
export function defaultWebDist(): string {
  return resolve(__dirname, '../../../../web/dist');
}

/**
 * Serves the built single-page client: static assets, and index.html for any other GET outside the API so
 * client-side routes survive a reload.
 */
export function serveWebClient(app: INestApplication, webDist: string): void {
  const http = app.getHttpAdapter().getInstance() as express.Express;
  const index = join(webDist, 'index.html');
  http.use(express.static(webDist, { index: false, maxAge: '1h' }));
  http.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || SERVER_PATHS.test(req.path)) return next();
    if (!existsSync(index)) {
      res.status(503).type('text').send('The web client is not built yet: run `npm run build -w @parley/web`.');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
