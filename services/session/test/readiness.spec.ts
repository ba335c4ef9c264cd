import { TcpProxy, TestPlatform, sleep, testInfra } from '@parley/testing';

/**
 * SPEC §9: `/ready` reflects each dependency live. Each dependency is reached through a TCP proxy so an outage
 * can be simulated without touching the servers other suites share.
 */
describe('readiness follows the dependencies', () => {
  const infra = testInfra();
  let platform: TestPlatform;
  const proxies: Record<'nats' | 'redis' | 'postgres', TcpProxy> = {} as never;

  beforeAll(async () => {
    proxies.nats = await TcpProxy.start(infra.natsUrl, 4222);
    proxies.redis = await TcpProxy.start(infra.redisUrl, 6379);
    proxies.postgres = await TcpProxy.start(infra.postgresServerUrl, 5432);
    platform = await TestPlatform.start({ services: [] });
    await platform.startService('session', {
      NATS_URL: proxies.nats.url(infra.natsUrl),
      REDIS_URL: proxies.redis.url(infra.redisUrl),
      DATABASE_URL: proxies.postgres.url(platform.databaseUrl),
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await Promise.all(Object.values(proxies).map((p) => p.down()));
  });

  async function readiness(): Promise<{ status: number; checks: Record<string, string> }> {
    const response = await fetch(`${platform.url('session')}/ready`);
    return { status: response.status, checks: ((await response.json()) as { checks: Record<string, string> }).checks };
  }

  async function until(predicate: (r: Awaited<ReturnType<typeof readiness>>) => boolean): Promise<Awaited<ReturnType<typeof readiness>>> {
    const deadline = Date.now() + 15_000;
    let last = await readiness();
    while (!predicate(last) && Date.now() < deadline) {
      await sleep(200);
      last = await readiness();
    }
    return last;
  }

  it.each(['nats', 'redis', 'postgres'] as const)('%s down → 503, back up → 200, without a restart', async (name) => {
    expect((await readiness()).status).toBe(200);
    await proxies[name].down();
    const down = await until((r) => r.status === 503);
    expect(down.status).toBe(503);
    expect(down.checks[name]).toBe('down');
    // Liveness never depends on dependencies.
    expect((await fetch(`${platform.url('session')}/health`)).status).toBe(200);

    await proxies[name].up();
    const up = await until((r) => r.status === 200);
    expect(up.status).toBe(200);
    expect(Object.values(up.checks).every((state) => state === 'up')).toBe(true);
  });
});
