import { TestPlatform, startFakeOpenAi, type FakeOpenAi } from '@parley/testing';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot, speechWav } from './browser';

/**
 * The trainee's path through the real client in Debian Chromium, with a fake microphone playing Flite speech,
 * against the whole platform (offline providers).
 */
describe('trainee in the browser', () => {
  let platform: TestPlatform;
  let base: string;

  beforeAll(async () => {
    platform = await TestPlatform.start({ services: ['gateway', 'session', 'turn-pipeline', 'asr', 'evaluator'] });
    base = platform.url('gateway');
  }, 120_000);

  afterAll(() => platform?.stop());

  async function signIn(page: Page, name: string) {
    await page.goto(`${base}/`);
    await page.getByLabel('Your name').fill(name);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose a scenario' }).waitFor();
  }

  it('practises a scenario by voice, gets feedback, replays it from history, practises again and deletes it', async () => {
    const wav = await speechWav('Could you please verify the email on your account');
    const { browser, context, consoleErrors } = await launchBrowser({ microphoneWav: wav });
    try {
      const page = await context.newPage();
      await signIn(page, 'browser-trainee');
      await page.getByRole('button', { name: /charged twice/i }).first().waitFor();
      await screenshot(page, '01-catalog');
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, '01-catalog-phone');
      await page.setViewportSize({ width: 1280, height: 860 });
      await page.getByLabel('Search').fill('charged');
      await page.getByRole('button', { name: /charged twice/i }).first().click();
      await page.getByRole('button', { name: 'Start practice' }).waitFor();
      await page.getByText('Offline roleplayer: no language model is configured').waitFor();
      await screenshot(page, '02-scenario');
      await page.getByRole('button', { name: 'Start practice' }).click();

      await page.getByTestId('turn-0').waitFor({ timeout: 30_000 });
      await page.getByText('Offline roleplayer').waitFor();
      await page.getByRole('button', { name: 'Tap to record' }).click();
      await page.getByRole('button', { name: 'Stop recording' }).waitFor();
      await page.waitForTimeout(4500);
      await page.getByRole('button', { name: 'Stop recording' }).click();
      const trainee = page.getByTestId('turn-1');
      await trainee.getByText(/email|account|verify/).waitFor({ timeout: 30_000 });
      await page.getByTestId('turn-2').waitFor({ timeout: 30_000 });
      await screenshot(page, '03-practice');

      await page.getByRole('button', { name: 'Stop practice' }).click();
      await page.getByRole('button', { name: 'Yes, end it' }).click();
      await page.getByTestId('termination').getByText('You ended the practice.').waitFor();
      await page.getByTestId('evaluation').waitFor({ timeout: 30_000 });
      await screenshot(page, '04-evaluation');

      await page.getByRole('link', { name: 'History' }).click();
      const row = page.getByRole('link', { name: /charged twice/i }).first();
      await row.waitFor();
      await screenshot(page, '05-history');
      await row.click();
      await page.getByRole('heading', { level: 1 }).waitFor();
      const playable = await page.locator('audio').first().evaluate(
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        (audio: any) => new Promise<boolean>((resolve) => {
          audio.addEventListener('canplay', () => resolve(true), { once: true });
          audio.addEventListener('error', () => resolve(false), { once: true });
          audio.load();
        }),
      );
      expect(playable).toBe(true);
      await screenshot(page, '06-replay');

      const replayUrl = page.url();
      await page.getByRole('button', { name: 'Practise again' }).click();
      await page.getByTestId('turn-0').waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Stop practice' }).click();
      await page.getByRole('button', { name: 'Yes, end it' }).click();
      await page.goto(replayUrl);
      page.once('dialog', (dialog: { accept(): Promise<void> }) => void dialog.accept());
      await page.getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('heading', { name: 'Your practice history' }).waitFor();
      expect(consoleErrors.filter((e: string) => !/favicon/.test(e))).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('stops a recording by itself before it outgrows the 128 KB turn limit, and the turn is accepted', async () => {
    const wav = await speechWav('I would like to talk about the charge on my card for a while');
    const { browser, context } = await launchBrowser({ microphoneWav: wav });
    try {
      const page = await context.newPage();
      await signIn(page, 'browser-long-talker');
      await page.getByRole('button', { name: /charged twice/i }).first().click();
      await page.getByRole('button', { name: 'Start practice' }).click();
      await page.getByTestId('turn-0').waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Tap to record' }).click();
      await page.getByLabel('Recording size').getByText(/^1[0-9]{2} KB/).waitFor({ timeout: 60_000 });
      await screenshot(page, '09-recording-near-limit');
      // The recorder stops on its own and sends; the server accepts it (no 413).
      await page.getByTestId('turn-1').waitFor({ timeout: 60_000 });
      await expect(page.getByRole('alert').count()).resolves.toBe(0);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('explains a denied microphone', async () => {
    const { browser, context } = await launchBrowser({ allowMicrophone: false });
    try {
      const page = await context.newPage();
      await signIn(page, 'browser-denied');
      await page.getByRole('button', { name: /charged twice/i }).first().click();
      await page.getByRole('button', { name: 'Start practice' }).click();
      await page.getByTestId('turn-0').waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Tap to record' }).click();
      await page.getByText(/Microphone access was denied|microphone could not be started/).waitFor();
      await screenshot(page, '07-microphone-denied');
    } finally {
      await browser.close();
    }
  });
});

/** A roleplayer model that keeps failing, and a recording that runs into the size limit. */
describe('trainee in the browser, when things go wrong', () => {
  let fake: FakeOpenAi;
  let platform: TestPlatform;
  let base: string;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    fake.setBehaviour('chat', { status: 500 });
    platform = await TestPlatform.start({
      services: ['gateway', 'session', 'turn-pipeline'],
      serviceEnv: { 'turn-pipeline': { LLM_BASE_URL: fake.url, LLM_TIMEOUT_MS: '1000' } },
    });
    base = platform.url('gateway');
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await fake?.close();
  });

  it('shows the provider outage with a way to practise again', async () => {
    const { browser, context } = await launchBrowser();
    try {
      const page = await context.newPage();
      await page.goto(`${base}/`);
      await page.getByLabel('Your name').fill('browser-outage');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: /charged twice/i }).first().click();
      await page.getByRole('button', { name: 'Start practice' }).click();
      const banner = page.getByTestId('termination');
      await banner.getByText(/unavailable right now/).waitFor({ timeout: 30_000 });
      await banner.getByRole('button', { name: 'Practise again' }).waitFor();
      await screenshot(page, '08-provider-outage');
    } finally {
      await browser.close();
    }
  });
});
