import { encodeWav, synthesizeFlite } from '@parley/audio';
import { TestPlatform } from '@parley/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot } from './browser';

// page.evaluate callbacks run in the browser; the suite compiles without the DOM lib, so their globals are loose here.
declare const document: any, localStorage: any;

/**
 * A trainee file for the fake microphone: Flite speech right at the start, then 17 s of silence. Chromium loops it,
 * so the trainee speaks for ~3 s every 20 s: once while the microphone is checked, once after the AI's opening.
 */
async function liveWav(text: string): Promise<string> {
  const speech = await synthesizeFlite(text, { voice: 'rms' });
  const pcm = new Int16Array(speech.pcm.length + speech.sampleRate * 17);
  pcm.set(speech.pcm, 0);
  const file = join(mkdtempSync(join(tmpdir(), 'parley-live-mic-')), 'speech.wav');
  writeFileSync(file, encodeWav(pcm, speech.sampleRate));
  return file;
}

const meterValue = (page: Page, label: string) =>
  page.getByRole('meter', { name: label, exact: true }).getAttribute('aria-valuenow').then((v) => Number(v ?? 0));

/** The realtime voice room in Debian Chromium against the whole platform (offline providers), SPEC §7. */
/** Signs in as `name`, creates a realtime session through the API and opens its live room. */
async function openLiveRoom(page: Page, base: string, name: string): Promise<string> {
  await page.goto(`${base}/`);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Choose a scenario' }).waitFor();
  const sessionId = await page.evaluate(async () => {
    const response = await fetch('/api/sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${localStorage.getItem('parley.token')}` },
      body: JSON.stringify({ scenarioId: 'support-double-charge', mode: 'realtime', clientSessionStartedAt: new Date().toISOString() }),
    });
    return ((await response.json()) as { session: { id: string } }).session.id;
  });
  await page.goto(`${base}/#/live/${sessionId}`);
  return sessionId;
}

describe('live voice practice in the browser', () => {
  let platform: TestPlatform;
  let base: string;

  beforeAll(async () => {
    platform = await TestPlatform.start({ services: ['gateway', 'session', 'turn-pipeline'] });
    base = platform.url('gateway');
  }, 120_000);

  afterAll(() => platform?.stop());

  it('checks the microphone, talks live, hears the AI, interrupts it (cut turn) and fills the latency panel', async () => {
    const wav = await liveWav('Could you please verify the email on your account');
    const { browser, context, consoleErrors } = await launchBrowser({ microphoneWav: wav });
    try {
      const page = await context.newPage();
      await openLiveRoom(page, base, 'live-trainee');

      // Microphone check: the level moves with the trainee's voice. Tests turn echo cancellation off (STACK.md).
      const check = page.getByTestId('mic-check');
      await check.getByText('Check your microphone').waitFor();
      await check.getByLabel(/Echo cancellation/).uncheck();
      await check.getByRole('button', { name: 'Check microphone' }).click();
      await page.waitForFunction(
        () => Number(document.querySelector('[aria-label="Microphone level"]')?.getAttribute('aria-valuenow')) > 0.1,
        undefined,
        { timeout: 10_000 },
      );
      await screenshot(page, 'live-01-mic-check');
      // Start once the file's speech is over, so the AI's opening is not talked over.
      let quietSince = 0;
      for (let waited = 0; waited < 15_000; waited += 100) {
        if ((await meterValue(page, 'Microphone level')) < 0.03) quietSince ||= Date.now();
        else quietSince = 0;
        if (quietSince && Date.now() - quietSince > 700) break;
        await page.waitForTimeout(100);
      }
      await page.getByRole('button', { name: 'Start live practice' }).click();

      // The AI opens, in audio, as its persona.
      await page.getByTestId('persona-name').getByText('Tom Nguyen').waitFor();
      await page.locator('[data-testid="turn-state"][data-state="SPEAKING"]').waitFor({ timeout: 30_000 });
      let aiLevel = 0;
      for (let i = 0; i < 40 && aiLevel < 0.02; i++) {
        aiLevel = Math.max(aiLevel, await meterValue(page, "Tom Nguyen's voice"));
        await page.waitForTimeout(100);
      }
      expect(aiLevel).toBeGreaterThan(0.02);
      await page.getByTestId('turn-0').getByText(/charged me twice/).waitFor({ timeout: 30_000 });
      // The opening plays to its end: the client's playback report lets the conversation go back to IDLE.
      await page.locator('[data-testid="turn-state"][data-state="IDLE"]').waitFor({ timeout: 30_000 });

      // The trainee's words appear while they speak, then the AI answers.
      await page.getByTestId('partial-transcript').or(page.getByTestId('turn-1')).first().waitFor({ timeout: 40_000 });
      await page.getByTestId('turn-1').getByText(/email|account|verify/).waitFor({ timeout: 30_000 });
      await page.locator('[data-testid="turn-state"][data-state="SPEAKING"]').waitFor({ timeout: 30_000 });
      await page.getByTestId('ai-live-text').waitFor();
      // The AI's answer (about 5 s of audio) is audible: the interruption below cuts it, not a silence after it.
      await page.locator('[data-testid="interrupt"][data-playing="true"]').waitFor({ timeout: 10_000 });
      await page.waitForTimeout(600);
      await screenshot(page, 'live-02-ai-speaking');

      // Interrupting stops the AI's voice at once, and the stored turn is cut where it was heard.
      await page.getByRole('button', { name: 'Interrupt' }).click();
      await page.locator('[data-testid="interrupt"][data-playing="false"]').waitFor({ timeout: 1_000 });
      await page.waitForTimeout(150);
      expect(await page.evaluate(() => document.querySelector('.avatar')?.classList.contains('talking'))).toBe(false);
      const cut = page.getByTestId('turn-2');
      await cut.getByTestId('cut-mark').waitFor({ timeout: 15_000 });
      await expect(cut.getByTestId('cut-mark').innerText()).resolves.toMatch(/cut off after \d+\.\d s/);
      let aiAfter = 1;
      for (let i = 0; i < 10 && aiAfter > 0.02; i++) {
        await page.waitForTimeout(100);
        aiAfter = await meterValue(page, "Tom Nguyen's voice");
      }
      expect(aiAfter).toBeLessThanOrEqual(0.02);

      // The latency panel fills.
      await page.getByTestId('latency-last').getByText(/\d+ ms/).first().waitFor({ timeout: 10_000 });
      await page.getByTestId('latency-breakdown-chart').locator('svg').first().waitFor();
      await page.getByTestId('latency-over-time-chart').locator('svg').first().waitFor();
      await expect(page.getByTestId('telemetry').getByText('Interruptions').locator('..').innerText()).resolves.toMatch(/1/);

      // Settings apply live.
      await page.getByLabel('Let me interrupt by speaking').uncheck();
      await page.getByLabel('Let me interrupt by speaking').isChecked().then((checked) => expect(checked).toBe(false));
      await screenshot(page, 'live-03-after-interruption');

      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await screenshot(page, 'live-03-after-interruption-phone');
      await page.setViewportSize({ width: 1280, height: 860 });

      // Ending asks first.
      await page.getByRole('button', { name: 'End practice…' }).click();
      await page.getByRole('group', { name: 'End the practice?' }).getByRole('button', { name: 'End practice' }).click();
      await page.getByTestId('termination').getByText('You ended the practice.').waitFor({ timeout: 15_000 });
      await screenshot(page, 'live-04-ended');

      expect(consoleErrors.filter((e: string) => !/favicon/.test(e))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);

  it('explains a denied microphone before a live practice', async () => {
    const { browser, context } = await launchBrowser({ allowMicrophone: false });
    try {
      const page = await context.newPage();
      await openLiveRoom(page, base, 'live-denied');
      await page.getByRole('button', { name: 'Check microphone' }).click();
      await page.getByText('Microphone access was denied.').waitFor();
      await page.getByText(/Set Microphone to “Allow”/).waitFor();
      await expect(page.getByRole('button', { name: 'Start live practice' }).isDisabled()).resolves.toBe(true);
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await screenshot(page, 'live-05-microphone-denied-phone');
    } finally {
      await browser.close();
    }
  });
});
