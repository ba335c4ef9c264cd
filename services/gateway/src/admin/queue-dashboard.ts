import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { INestApplication } from '@nestjs/common';
import { Queues } from '@parley/contracts';
import { JobQueues } from '@parley/queue';
import type express from 'express';
import { TokenService } from '../auth/token.service';
import { DASHBOARD_PATH, operatorOnly } from './operator-auth';
import { SIGN_IN_SCRIPT, SIGN_IN_SCRIPT_PATH } from './sign-in';

/**
 * Bull Board at `/admin/queues` for operators (SPEC §9): every queue of the deployment, opened by name under the
 * namespace's prefix (the gateway runs no workers; these handles only read and operate: retry, remove, pause).
 */
export function mountQueueDashboard(app: INestApplication): void {
  const http = app.getHttpAdapter().getInstance() as express.Express;
  const queues = app.get(JobQueues);
  const board = new ExpressAdapter();
  board.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: Object.values(Queues).map((name) => new BullMQAdapter(queues.queue(name))),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Parley queues' } },
  });
  http.get(SIGN_IN_SCRIPT_PATH, (_req, res) => {
    res.type('application/javascript').setHeader('Cache-Control', 'no-cache');
    res.send(SIGN_IN_SCRIPT);
  });
  http.use(DASHBOARD_PATH, operatorOnly(app.get(TokenService)), board.getRouter());
}
