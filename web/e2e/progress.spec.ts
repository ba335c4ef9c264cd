import { TestPlatform, api, sleep } from '@parley/testing';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot } from './browser';

// page.evaluate callbacks run in the browser; the suite compiles without the DOM lib, so their globals are loose here.
declare const window: any, document: any, localStorage: any;

const SCENARIO = 'support-double-charge';

/**
 * The evaluation panel in the replay and the Progress page (issue 13), in Debian Chromium against the whole platform.
 * One text practice is made through the API and scored by the offline scorer (no model configured).
 */
describe('evaluation panel and progress in the browser', () => {
  let platform: TestPlatform;
  let base: string;

  beforeAll(async () => {
    platform = await TestPlatform.start({ services: ['gateway', 'session', 'turn-pipeline', 'evaluator'] });
    base = platform.url('gateway');
  }, 120_000);

  afterAll(() => platform?.stop());

  async function evaluatedPractice(token: string, messages: string[]): Promise<string> {
    const created = await api(base, 'POST', '/api/sessions', {
      token,
      body: { scenarioId: SCENARIO, mode: 'text', clientSessionStartedAt: new Date().toISOString() },
    });
    expect(created.status).toBe(201);
    const sessionId = created.body.session.id as string;
    for (let i = 0; i < 200 && !(await api(base, 'GET', `/api/sessions/${sessionId}`, { token })).body.turns?.length; i++) await sleep(50);
    for (const message of messages) {
      expect((await api(base, 'POST', '/api/chat/wait', { token, body: { sessionId, message } })).status).toBe(200);
    }
    await api(base, 'POST', `/api/sessions/${sessionId}/stop`, { token });
    for (let i = 0; i < 300; i++) {
      const evaluation = await api(base, 'GET', `/api/sessions/${sessionId}/evaluation`, { token });
      if (evaluation.body?.status === 'succeeded') return sessionId;
      await sleep(100);
    }
    throw new Error('not evaluated');
  }

  const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
  const inViewport = (page: Page, id: string) =>
    page.evaluate((elementId: string) => {
      const box = document.getElementById(elementId)?.getBoundingClientRect();
      return Boolean(box) && box.bottom > 0 && box.top < window.innerHeight;
    }, id);

  async function atPhoneWidth(page: Page, name: string) {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    expect(await noSidewaysScroll(page)).toBe(true);
    await screenshot(page, name);
    await page.setViewportSize({ width: 1280, height: 860 });
  }

  it('shows the evaluation with evidence and key moments into the replay, and progress over time', async () => {
    const { browser, context, consoleErrors } = await launchBrowser();
    try {
      const page = await context.newPage();
      await page.goto(`${base}/`);
      await page.getByLabel('Your name').fill('progress-browser');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Choose a scenario' }).waitFor();

      // A new trainee: the Progress page says what to do.
      await page.getByRole('link', { name: 'Progress' }).click();
      await page.getByTestId('progress-empty').getByText('No practices yet.').waitFor();
      expect(await page.getByRole('link', { name: 'Progress' }).getAttribute('aria-current')).toBe('page');
      await screenshot(page, 'progress-01-empty');

      const token = (await page.evaluate(() => localStorage.getItem('parley.token'))) as string;
      const sessionId = await evaluatedPractice(token, [
        'Um, hello Tom. I am so sorry about the double charge, I understand how frustrating that must be.',
        'So, like, could you confirm the email on your account so I can check both charges?',
        'Thank you. I will refund the extra charge today and you will get a confirmation email within the hour.',
      ]);

      // The replay: score, the skills chart, each skill expandable to its reasons and quotes.
      await page.goto(`${base}/#/history/${sessionId}`);
      const panel = page.getByTestId('evaluation');
      await panel.waitFor({ timeout: 30_000 });
      await panel.getByTestId('overall-score').waitFor();
      await panel.getByTestId('skill-chart').locator('.recharts-bar-rectangle').first().waitFor();
      await panel.getByText(/offline scorer/).waitFor();
      const skills = panel.locator('.skills > li');
      const skillCount = await skills.count();
      expect(skillCount).toBeGreaterThan(1);
      for (let i = 0; i < skillCount; i++) await skills.nth(i).locator('summary').click();
      const quotes = panel.locator('.quotes li');
      await quotes.first().waitFor();
      expect(await quotes.first().isVisible()).toBe(true);
      expect(await quotes.first().textContent()).toMatch(/(earned|cost)turn \d+|(earned|cost) turn \d+/);
      await panel.getByTestId('talk-share').waitFor();
      // Typed practice: no speech, so the pace is said to be not measured rather than 0.
      expect(await panel.getByTestId('pace').textContent()).toMatch(/wpm|not measured/);
      await screenshot(page, 'progress-02-evaluation');
      await atPhoneWidth(page, 'progress-02-evaluation-phone');

      // A key moment takes the trainee to its turn in the replay.
      const moment = panel.getByTestId('key-moments').getByRole('link').first();
      const href = (await moment.getAttribute('href')) as string;
      const turn = Number(/turn=(\d+)/.exec(href)![1]);
      await moment.scrollIntoViewIfNeeded();
      expect(await inViewport(page, `turn-${turn}`)).toBe(false);
      await moment.click();
      await page.waitForURL(/\?turn=\d+$/);
      await page.waitForFunction((id: string) => document.getElementById(id)?.classList.contains('anchored'), `turn-${turn}`);
      await page.waitForTimeout(300);
      expect(await inViewport(page, `turn-${turn}`)).toBe(true);
      await screenshot(page, 'progress-03-key-moment');

      // Progress: a chart per skill, the scenario with its practices and scores, the totals.
      await page.getByRole('link', { name: 'Progress' }).click();
      await page.getByRole('heading', { name: 'Your progress' }).waitFor();
      const trend = page.locator('.trend').first();
      await trend.locator('.recharts-surface').first().waitFor();
      // One practice so far: one point on each skill's line.
      expect(await trend.locator('.recharts-line-dot').count()).toBe(1);
      expect(await page.locator('.trend').count()).toBe(skillCount);
      const row = page.getByTestId('progress-scenarios').getByRole('row', { name: /charged twice/i });
      await row.waitFor();
      expect(await row.getByRole('cell').nth(1).textContent()).toBe('1');
      expect(await row.getByRole('cell').nth(2).textContent()).toMatch(/^\d\.\d \/ 5$/);
      expect(await page.getByTestId('progress-totals').textContent()).toMatch(/Practices1/);
      await screenshot(page, 'progress-04-page');
      await atPhoneWidth(page, 'progress-04-page-phone');

      expect(consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);
});
