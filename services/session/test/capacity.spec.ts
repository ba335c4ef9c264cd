import { TestPlatform, api, devToken, sleep } from '@parley/testing';

/** SPEC §4.1: 20 active sessions; the 21st..25th wait in the pending queue; the 26th is refused with 429. */
describe('session capacity', () => {
  let platform: TestPlatform;
  let gateway: string;
  let token: string;

  beforeAll(async () => {
    platform = await TestPlatform.start({ services: ['gateway', 'session'], env: { PENDING_WAIT_MS: '20000' } });
    gateway = platform.url('gateway');
    token = await devToken(gateway, 'trainee-capacity');
  });

  afterAll(() => platform?.stop());

  const create = () =>
    api(gateway, 'POST', '/api/sessions', {
      token,
      body: { scenarioId: 'sales-discovery-call', mode: 'turn', clientSessionStartedAt: new Date().toISOString() },
    });

  it('queues five creations beyond the limit and refuses the next one', async () => {
    const active = await Promise.all(Array.from({ length: 20 }, create));
    expect(active.map((r) => r.status)).toEqual(Array(20).fill(201));

    let settled = 0;
    const waiting = Array.from({ length: 5 }, () => create().finally(() => settled++));
    await sleep(1000);
    expect(settled).toBe(0);

    const refused = await create();
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'capacity_exceeded', retryable: true });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    // Each stop frees a slot for one waiter.
    for (const session of active.slice(0, 5)) {
      expect((await api(gateway, 'POST', `/api/sessions/${session.body.session.id}/stop`, { token })).status).toBe(200);
    }
    const admitted = await Promise.all(waiting);
    expect(admitted.map((r) => r.status)).toEqual(Array(5).fill(201));
  });
});
