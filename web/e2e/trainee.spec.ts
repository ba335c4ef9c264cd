import { TestPlatform } from '@parley/testing';
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
      await page.getByLabel('Search').fill('charged');
      await page.getByRole('button', { name: /charged twice/i }).first().click();
      await page.getByRole('button', { name: 'Start practice' }).waitFor();
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
      await page.goto(replayUrl);
      page.once('dialog', (dialog: { accept(): Promise<void> }) => void dialog.accept());
      await page.getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('heading', { name: 'Your practice history' }).waitFor();
      expect(consoleErrors.filter((e: string) => !/favicon/.test(e))).toEqual([]);
    } finally {
      await browser.close();
    }
  });

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
