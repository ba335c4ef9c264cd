import { FAKE_JUDGE_REPLY, TcpProxy, TestPlatform, startFakeOpenAi, type FakeOpenAi } from '@parley/testing';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot } from './browser';

// page.evaluate callbacks run in the browser; the suite compiles without the DOM lib, so their globals are loose here.
declare const window: any, document: any, MutationObserver: any;

/** The roleplayer's reply to every message: long enough to be caught mid-stream. */
const REPLY =
  'Thanks for writing. I can see two charges of the same amount on your card this month, and I will look into both of them with you right now, step by step.';

/**
 * Text practice, free practice and the rough edges of the client, in Debian Chromium against the whole platform.
 * The roleplayer is a fake model streaming one word every 90 ms, so a reply can be interrupted mid-stream.
 */
describe('text and free practice in the browser', () => {
  let fake: FakeOpenAi;
  let platform: TestPlatform;
  /** Between the browser and the gateway, so a test can cut the browser's connections as a network blip would. */
  let network: TcpProxy;
  let base: string;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    fake.setBehaviour('chat', {
      chunkDelayMs: 90,
      reply: (r) => (['json_object', 'json_schema'].includes(r.body.response_format?.type) ? FAKE_JUDGE_REPLY : REPLY),
    });
    platform = await TestPlatform.start({
      services: ['gateway', 'session', 'turn-pipeline', 'evaluator'],
      serviceEnv: { 'turn-pipeline': { LLM_BASE_URL: fake.url, LLM_API_KEY: 'test-key', LLM_MODEL: 'fake-model' } },
    });
    network = await TcpProxy.start(platform.url('gateway'), 80);
    base = network.url(platform.url('gateway'));
  }, 120_000);

  afterAll(async () => {
    await network?.down();
    await platform?.stop();
    await fake?.close();
  });

  async function signIn(page: Page, name: string) {
    await page.goto(`${base}/`);
    await page.getByLabel('Your name').fill(name);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose a scenario' }).waitFor();
  }

  /** Every text the streaming bubble showed, recorded in the page (it survives nothing: one list per page load). */
  const RECORD_STREAM = () => {
    const w = window as unknown as { __streamed: string[] };
    w.__streamed = [];
    new MutationObserver(() => {
      const bubble = document.querySelector('.bubble.streaming p');
      const text = bubble?.textContent ?? '';
      if (text && w.__streamed.at(-1) !== text) w.__streamed.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  };
  const streamed = (page: Page) => page.evaluate(() => (window as unknown as { __streamed: string[] }).__streamed);
  /** No duplicated or lost text: everything shown while streaming was a beginning of the reply. */
  const expectPrefixesOfReply = (texts: string[]) => {
    for (const text of texts) expect(REPLY.startsWith(text.trimEnd())).toBe(true);
  };
  const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

  async function sendAndWait(page: Page, message: string, sequence: number) {
    await page.getByLabel('Your message').fill(message);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId(`chat-turn-${sequence}`).getByText(REPLY).waitFor({ timeout: 30_000 });
    await page.getByTestId('chat-status').getByText('Your turn').waitFor();
  }

  it('practises by text: a streamed reply, a reload and a dropped connection mid-reply resumed without repeats, the 409 and 413 rules, end and feedback', async () => {
    const { browser, context, consoleErrors } = await launchBrowser();
    await context.addInitScript(RECORD_STREAM);
    try {
      const page = await context.newPage();
      page.on('response', (r) => r.status() >= 400 && console.log(r.status(), r.url()));
      await signIn(page, 'chat-browser');
      await page.getByLabel('Search').fill('charged');
      await page.getByRole('button', { name: /charged twice/i }).first().click();
      await page.getByRole('radio', { name: /Text/ }).check();
      await screenshot(page, 'chat-01-mode-choice');
      await page.setViewportSize({ width: 390, height: 844 });
      // On a phone the start button is near the top, not after the whole brief.
      const startBox = await page.getByRole('button', { name: 'Start practice' }).boundingBox();
      expect(startBox!.y).toBeLessThan(844 * 1.5);
      expect(await noSidewaysScroll(page)).toBe(true);
      await screenshot(page, 'chat-01-mode-choice-phone');
      await page.setViewportSize({ width: 1280, height: 860 });
      await page.getByRole('button', { name: 'Start practice' }).click();
      await page.waitForURL(/#\/chat\//);
      await page.getByTestId('chat-turn-0').waitFor({ timeout: 30_000 });

      // 1. A reply streamed word by word: seen partial before it is whole.
      await page.getByLabel('Your message').fill('Hello, I was charged twice for my order.');
      await page.getByLabel('Your message').press('Enter');
      await page.getByTestId('chat-status').getByText(/is writing/).waitFor();
      // 409 rule in words: a second message while the reply streams.
      await page.getByLabel('Your message').fill('Are you there?');
      await page.getByLabel('Your message').press('Enter');
      await page.getByTestId('chat-problem').getByText('Wait for the reply to finish').waitFor();
      await screenshot(page, 'chat-02-streaming');
      await page.getByTestId('chat-turn-2').getByText(REPLY).waitFor({ timeout: 30_000 });
      const partials = await streamed(page);
      expect(partials.length).toBeGreaterThan(3);
      expectPrefixesOfReply(partials);
      await page.getByTestId('chat-turn-1').getByText('Hello, I was charged twice').waitFor();

      // 2. Reload mid-reply: the page picks the stream up where it was (Last-Event-ID), nothing twice.
      await page.getByLabel('Your message').fill('Are you there?');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.locator('.bubble.streaming p').getByText(/Thanks for writing\. I can see/).waitFor();
      await page.reload();
      await page.getByTestId('chat-turn-4').getByText(REPLY).waitFor({ timeout: 30_000 });
      const resumed = await streamed(page);
      expect(resumed.length).toBeGreaterThan(0); // it was still streaming after the reload
      expect(resumed[0]!.trimEnd()).not.toBe(''); // and it started from the saved text, not from nothing
      expectPrefixesOfReply(resumed);

      // 3. The network drops mid-reply (every connection cut: the reply stream and the socket): resumed, nothing twice.
      await page.getByLabel('Your message').fill('Can you refund one of them?');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.locator('.bubble.streaming p').getByText(/same amount/).waitFor();
      network.cut();
      await page.getByTestId('chat-turn-6').getByText(REPLY).waitFor({ timeout: 30_000 });
      expectPrefixesOfReply(await streamed(page));
      expect(await page.getByTestId('chat-turn-6').textContent()).toContain(REPLY);
      expect(await page.locator('.bubble').count()).toBe(7);

      // 4. The 413 rule in words, with the counter.
      await page.getByLabel('Your message').fill('x'.repeat(4005));
      await page.getByText('5 over the 4000-character limit').waitFor();
      await page.getByRole('button', { name: 'Send' }).click();
      await page.getByTestId('chat-problem').getByText(/at most 4000 characters/).waitFor();
      await page.getByLabel('Your message').fill('');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.getByTestId('chat-problem').getByText('Type a message before sending.').waitFor();
      await screenshot(page, 'chat-03-rules');
      await page.getByLabel('Your message').fill('');
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await noSidewaysScroll(page)).toBe(true);
      await screenshot(page, 'chat-03-room-phone');
      await page.setViewportSize({ width: 1280, height: 860 });

      // 5. Ending asks first, then the evaluation as in the other modes.
      await page.getByRole('button', { name: 'End practice' }).click();
      await page.getByRole('button', { name: 'Keep practising' }).click();
      await page.getByRole('button', { name: 'End practice' }).click();
      await page.getByRole('button', { name: 'Yes, end it' }).click();
      await page.getByTestId('termination').getByText('You ended the practice.').waitFor();
      await page.getByTestId('evaluation').waitFor({ timeout: 30_000 });
      await screenshot(page, 'chat-04-evaluation');

      // History: the score with its scale, trainee turns only, a way back from the replay.
      await page.getByRole('link', { name: 'History' }).click();
      const row = page.getByRole('row', { name: /charged twice/i }).first();
      await row.getByText(/^\d(\.\d)? \/ 5$/).waitFor({ timeout: 30_000 });
      expect(await row.getByRole('cell').nth(3).textContent()).toBe('3');
      expect(await page.getByRole('link', { name: 'History' }).getAttribute('aria-current')).toBe('page');
      await row.getByRole('link').click();
      await page.getByRole('link', { name: '← Back to history' }).click();
      await page.getByRole('heading', { name: 'Your practice history' }).waitFor();

      // The catalog card shows the past practice: how often, and the best score.
      await page.getByRole('link', { name: 'Scenarios' }).click();
      const card = page.getByRole('button', { name: /charged twice/i }).first();
      await card.getByTestId('card-practised').getByText(/^Practised once · best \d\.\d \/ 5$/).waitFor();
      // Chromium reports the reply stream that step 3 cut; nothing else may fail.
      const cut = consoleErrors.filter((e) => /ERR_INCOMPLETE_CHUNKED_ENCODING/.test(e));
      expect(cut).toHaveLength(1);
      expect(consoleErrors.filter((e) => !/favicon/.test(e) && !cut.includes(e))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);

  it('starts free practice from a template, explains the custom prompt limits, and offers to resume an active session from history', async () => {
    const { browser, context, consoleErrors } = await launchBrowser();
    try {
      const page = await context.newPage();
      const evaluationCalls: string[] = [];
      page.on('request', (r) => /\/evaluation$/.test(r.url()) && evaluationCalls.push(r.url()));
      await signIn(page, 'free-browser');
      await page.getByRole('link', { name: 'Free practice' }).click();
      // The click starts the navigation; the link is marked current once the route has rendered.
      await page.locator('a[aria-current="page"]', { hasText: 'Free practice' }).waitFor();
      expect(await page.getByRole('link', { name: 'Free practice' }).getAttribute('aria-current')).toBe('page');
      await page.getByRole('radio', { name: /Write your own/ }).check();
      await page.getByLabel('Your prompt for the AI').fill('Be rude');
      await page.getByText(/between 20 and 4000/).waitFor();
      await page.getByRole('button', { name: 'Start free practice' }).click();
      await page.getByRole('alert').getByText(/at least 20 characters/).waitFor();
      await screenshot(page, 'free-01-custom-prompt');
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await noSidewaysScroll(page)).toBe(true);
      await screenshot(page, 'free-01-custom-prompt-phone');
      await page.setViewportSize({ width: 1280, height: 860 });

      await page.getByRole('radio', { name: /Language teacher/ }).check();
      await page.getByRole('radio', { name: /^Text/ }).check();
      await page.getByRole('button', { name: 'Start free practice' }).click();
      await page.waitForURL(/#\/chat\//);
      await page.getByRole('heading', { name: 'Free practice: Language teacher' }).waitFor();
      await page.getByTestId('chat-turn-0').waitFor({ timeout: 30_000 });
      await sendAndWait(page, 'My name is Ana and I would like to practise.', 2);
      const room = page.url();

      // The session is still going: history offers to resume it and does not poll a missing evaluation.
      await page.getByRole('link', { name: 'History' }).click();
      const row = page.getByRole('row', { name: /Language teacher/ });
      await row.getByText('in progress').waitFor();
      expect(await row.getByRole('cell').nth(3).textContent()).toBe('1');
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await noSidewaysScroll(page)).toBe(true);
      await screenshot(page, 'history-phone');
      await page.setViewportSize({ width: 1280, height: 860 });
      await row.getByRole('link').click();
      await page.getByTestId('still-active').waitFor();
      await page.waitForTimeout(2500);
      expect(evaluationCalls).toEqual([]);
      await screenshot(page, 'history-active-session');
      await page.getByRole('button', { name: 'Resume practice' }).click();
      await page.waitForURL(room);
      await page.getByTestId('chat-turn-2').waitFor();

      // A search with no match says so, and clears.
      await page.getByRole('link', { name: 'History' }).click();
      await page.getByLabel('Search').fill('no-such-scenario-zz');
      await page.getByTestId('history-empty').getByText(/No sessions match/).waitFor();
      await page.getByRole('button', { name: 'Clear filters' }).click();
      await page.getByRole('row', { name: /Language teacher/ }).waitFor();
      expect(consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('says which characters a name may use, and clears catalog filters from the empty state', async () => {
    const { browser, context } = await launchBrowser();
    try {
      const page = await context.newPage();
      await page.goto(`${base}/`);
      await page.getByLabel('Your name').fill('Ana Lopez');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').getByText(/only use letters, digits and \. _ @ - \(not spaces\)/).waitFor();
      await screenshot(page, 'signin-name-rule');
      await page.getByLabel('Your name').fill('ana.lopez');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Choose a scenario' }).waitFor();
      expect(await page.getByRole('link', { name: 'Scenarios' }).getAttribute('aria-current')).toBe('page');
      await page.getByLabel('Search').fill('no-such-scenario-zz');
      await page.getByTestId('catalog-empty').waitFor();
      await page.getByRole('button', { name: 'Clear filters' }).click();
      await page.getByRole('button', { name: /charged twice/i }).first().waitFor();
      expect(await page.getByLabel('Search').inputValue()).toBe('');
    } finally {
      await browser.close();
    }
  });

  it('voice turns: coming back plays no clip again, holding to talk shows recording, and nothing says "waiting for reply" before the trainee spoke', async () => {
    const { browser, context } = await launchBrowser();
    try {
      const page = await context.newPage();
      await signIn(page, 'voice-return');
      await page.getByRole('button', { name: /charged twice/i }).first().click();
      await page.getByRole('button', { name: 'Start practice' }).click();
      await page.waitForURL(/#\/practice\//);
      expect(await page.getByTestId('status').textContent()).not.toMatch(/waiting for reply/);
      await page.getByTestId('turn-0').locator('audio').waitFor({ timeout: 30_000 });
      // The opening plays by itself once...
      await page.waitForFunction(() => [...document.querySelectorAll('audio')].some((a) => !a.paused || a.ended), null, { timeout: 15_000 });
      await page.reload();
      await page.getByTestId('turn-0').locator('audio').waitFor({ timeout: 30_000 });
      await page.waitForTimeout(1500);
      // ...and not again when the trainee comes back.
      expect(await page.evaluate(() => [...document.querySelectorAll('audio')].every((a) => a.paused && a.currentTime === 0))).toBe(true);

      const hold = page.getByRole('button', { name: 'Hold to talk' });
      await hold.hover();
      await page.mouse.down();
      await page.getByRole('button', { name: /Recording… release to send/ }).waitFor();
      await page.getByTestId('status').getByText('recording').waitFor();
      await screenshot(page, 'practice-recording');
      await page.mouse.up();
      await page.getByRole('button', { name: 'Stop practice' }).click();
      await page.getByRole('button', { name: 'Yes, end it' }).click();
      await page.getByTestId('termination').waitFor();
    } finally {
      await browser.close();
    }
  }, 90_000);
});
