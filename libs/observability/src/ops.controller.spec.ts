import { Module, type INestApplication, type OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ObservabilityModule } from './observability.module';
import { Readiness } from './readiness';

/** /health and /ready through terminus in a real Nest HTTP server, with checks a test can switch. */
describe('ops endpoints', () => {
  const state = { database: true, cache: true, hang: false };
  let app: INestApplication;
  let url: string;

  @Module({})
  class Dependencies implements OnModuleInit {
    constructor(private readonly readiness: Readiness) {}

    onModuleInit() {
      this.readiness.register('database', async () => state.database);
      this.readiness.register('cache', async () => {
        if (!state.cache) throw new Error('connection refused');
        return true;
      });
      this.readiness.register('queue', () => (state.hang ? new Promise<boolean>(() => undefined) : Promise.resolve(true)));
    }
  }

  @Module({ imports: [ObservabilityModule.forRoot({ service: 'ops-test', logLevel: 'silent' }), Dependencies] })
  class TestApp {}

  beforeAll(async () => {
    app = await NestFactory.create(TestApp, { logger: false });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  afterAll(() => app?.close());

  beforeEach(() => Object.assign(state, { database: true, cache: true, hang: false }));

  async function get(path: string): Promise<{ status: number; body: any }> {
    const response = await fetch(`${url.replace('[::1]', '127.0.0.1')}${path}`);
    return { status: response.status, body: await response.json() };
  }

  it('answers liveness without asking any dependency', async () => {
    Object.assign(state, { database: false, cache: false });
    expect(await get('/health')).toEqual({ status: 200, body: { status: 'ok', service: 'ops-test', info: {}, error: {}, details: {} } });
  });

  it('is ready when every registered dependency answers', async () => {
    const { status, body } = await get('/ready');
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ready', ready: true, checks: { database: 'up', cache: 'up', queue: 'up' } });
  });

  it('is 503 naming each dependency that is down, and why', async () => {
    Object.assign(state, { database: false, cache: false, hang: true });
    const { status, body } = await get('/ready');
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'not_ready', ready: false, checks: { database: 'down', cache: 'down', queue: 'down' } });
    expect(body.details).toEqual({
      database: { status: 'down', message: 'check failed' },
      cache: { status: 'down', message: 'connection refused' },
      queue: { status: 'down', message: 'no answer within 1500 ms' },
    });
    // Back without a restart.
    Object.assign(state, { database: true, cache: true, hang: false });
    expect((await get('/ready')).status).toBe(200);
  });
});
