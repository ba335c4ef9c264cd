import { encodeWav, synthesizeFlite } from '@parley/audio';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = resolve(__dirname, '../../test-artifacts/screenshots');

/** A WAV of Flite speech, padded with silence, to feed Chromium's fake microphone. */
export async function speechWav(text: string): Promise<string> {
  const speech = await synthesizeFlite(text, { voice: 'rms' });
  const padded = new Int16Array(speech.pcm.length + 16_000);
  padded.set(speech.pcm, 8_000);
  const file = join(mkdtempSync(join(tmpdir(), 'parley-mic-')), 'speech.wav');
  writeFileSync(file, encodeWav(padded, speech.sampleRate));
  return file;
}

export interface BrowserOptions {
  /** WAV played by the fake microphone; without it the microphone is silent. */
  microphoneWav?: string;
  /** false: the permission prompt is denied. */
  allowMicrophone?: boolean;
}

/**
 * Debian's Chromium driven by playwright-core, headless, with a simulated microphone (STACK.md). Console errors
 * are collected so a test can assert there are none.
 */
export async function launchBrowser(options: BrowserOptions = {}): Promise<{ browser: Browser; context: BrowserContext; consoleErrors: string[] }> {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--autoplay-policy=no-user-gesture-required',
    '--use-fake-device-for-media-stream',
  ];
  if (options.allowMicrophone !== false) args.push('--use-fake-ui-for-media-stream');
  if (options.microphoneWav) args.push(`--use-file-for-fake-audio-capture=${options.microphoneWav}`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args });
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  if (options.allowMicrophone === false) await context.clearPermissions();
  else await context.grantPermissions(['microphone']);
  const consoleErrors: string[] = [];
  context.on('page', (page) => watchConsole(page, consoleErrors));
  return { browser, context, consoleErrors };
}

function watchConsole(page: Page, errors: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Aborts every request that would leave this machine (pages of third-party software, such as a test identity
 * provider's, may pull web fonts): tests send traffic to loopback addresses only. Answers the hosts refused.
 */
export async function loopbackOnly(context: BrowserContext): Promise<string[]> {
  const refused: string[] = [];
  await context.route(
    (url) => !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname),
    (route) => (refused.push(new URL(route.request().url()).hostname), route.abort('blockedbyclient')),
  );
  return refused;
}
