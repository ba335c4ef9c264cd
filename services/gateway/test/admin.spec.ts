import { Queues } from '@parley/contracts';
import { TestPlatform, api, devToken } from '@parley/testing';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { launchBrowser, screenshot } from '../../../web/e2e/browser';

// page.evaluate callbacks run in the browser; the suite compiles without the DOM lib.
declare const localStorage: { setItem(key: string, value: string): void };

/**
 * SPEC §9 queue dashboard: Bull Board at /admin/queues on the gateway, for the operator role only, over the real
 * queues of the deployment (its Redis namespace). Browsers reach it with the cookie of POST /api/admin/session.
 */
describe('queue dashboard', () => {
  let platform: TestPlatform;
  let gateway: string;
  let operator: string;
  let trainee: string;
  let redis: IORedis;
  let evaluation: Queue;

  beforeAll(async () => {
    platform = await TestPlatform.start({ services: ['gateway'] });
    gateway = platform.url('gateway');
    operator = await devToken(gateway, 'ops-olga', ['operator']);
    trainee = await devToken(gateway, 'ops-tom');
    redis = new IORedis(platform.redisUrl, { maxRetriesPerRequest: null });
    // The queue the evaluator works on, under the deployment's prefix as libs/queue opens it.
    evaluation = new Queue(Queues.Evaluation, { connection: redis, prefix: platform.namespace });
  }, 120_000);

  afterAll(async () => {
    await evaluation?.close();
    redis?.disconnect();
    await platform?.stop();
  });

  const dashboard = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    fetch(`${gateway}/admin/queues${path}`, { method, headers, redirect: 'manual' });

  it('is 401 without a token and 403 for other roles, on the page and its API', async () => {
    const anonymous = await dashboard('/api/queues');
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    // A browser gets the sign-in page, still with the status.
    const page = await dashboard('', { accept: 'text/html' });
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('<script src="/admin/sign-in.js"></script>');
    expect((await dashboard('/api/queues', { authorization: 'Bearer not-a-token' })).status).toBe(401);

    for (const roles of [['trainee'], ['author'], ['trainee', 'author']]) {
      const token = await devToken(gateway, 'ops-someone', roles);
      const refused = await dashboard('/api/queues', { authorization: `Bearer ${token}` });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('forbidden');
      expect((await dashboard('/', { cookie: `parley_operator=${token}` })).status).toBe(403);
    }
  });

  it('shows every queue of the deployment to an operator, with their jobs, and operates them', async () => {
    await evaluation.add('evaluate-session', { sessionId: 'dashboard-test' }, { jobId: 'dashboard-job', delay: 60_000 });
    const auth = { authorization: `Bearer ${operator}` };
    const page = await dashboard('/', auth);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Parley queues');

    const listed = await dashboard(`/api/queues?activeQueue=${Queues.Evaluation}&status=delayed`, auth);
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { queues: Array<{ name: string; counts: Record<string, number>; jobs: Array<{ id: string }> }> };
    expect(body.queues.map((q) => q.name).sort()).toEqual(Object.values(Queues).sort());
    const queue = body.queues.find((q) => q.name === Queues.Evaluation)!;
    expect(queue.counts.delayed).toBe(1);
    expect(queue.jobs.map((j) => j.id)).toEqual(['dashboard-job']);

    // Operating: pausing from the dashboard pauses the real queue the workers read.
    expect((await dashboard(`/api/queues/${Queues.Evaluation}/pause`, auth, 'PUT')).status).toBe(200);
    expect(await evaluation.isPaused()).toBe(true);
    expect((await dashboard(`/api/queues/${Queues.Evaluation}/resume`, auth, 'PUT')).status).toBe(200);
    expect(await evaluation.isPaused()).toBe(false);
  });

  it('trades an operator token for a short-lived, HttpOnly, SameSite=Strict cookie scoped to the dashboard', async () => {
    expect((await api(gateway, 'POST', '/api/admin/session')).status).toBe(401);
    const refused = await api(gateway, 'POST', '/api/admin/session', { token: trainee });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');

    const opened = await api(gateway, 'POST', '/api/admin/session', { token: operator });
    expect(opened.status).toBe(201);
    expect(opened.body.dashboard).toBe('/admin/queues');
    const cookie = opened.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^parley_operator=[^;]+;/);
    expect(cookie).toMatch(/; Path=\/admin\/queues/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(15 * 60);

    const value = cookie.split(';')[0]!;
    expect((await dashboard('/api/queues', { cookie: value })).status).toBe(200);
    expect((await dashboard('/api/queues', { cookie: 'parley_operator=forged' })).status).toBe(401);

    const closed = await api(gateway, 'DELETE', '/api/admin/session', { token: operator });
    expect(closed.status).toBe(204);
    expect(closed.headers.get('set-cookie')).toMatch(/^parley_operator=;.*Expires=Thu, 01 Jan 1970/);
  });

  it('serves its page with security headers and a policy allowing its inline styles only', async () => {
    const response = await dashboard('/', { authorization: `Bearer ${operator}` });
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("script-src 'self' blob:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    // The web client's own policy has no inline styles.
    const app = await fetch(`${gateway}/`);
    expect(app.headers.get('content-security-policy')).toContain("style-src 'self';");
  });

  it('opens in a browser through the sign-in page with the token the web client holds', async () => {
    const { browser, context, consoleErrors } = await launchBrowser({ allowMicrophone: false });
    try {
      const page = await context.newPage();
      // The web client keeps its token in localStorage on this origin; the sign-in page trades it for the cookie.
      await page.goto(`${gateway}/`);
      await page.evaluate((token) => localStorage.setItem('parley.token', token), operator);
      await page.goto(`${gateway}/admin/queues`);
      await page.getByText(Queues.Evaluation, { exact: false }).first().waitFor({ timeout: 30_000 });
      await screenshot(page, 'admin-queues');
      for (const name of Object.values(Queues)) expect(await page.getByText(name, { exact: false }).count()).toBeGreaterThan(0);
      // Expected: the sign-in page's own 401, and Bull Board's third-party web fonts, which the policy keeps out.
      // Nothing else, in particular no other policy violation.
      expect(consoleErrors.filter((e) => !/fonts\.googleapis\.com/.test(e) && !/status of 401/.test(e))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
