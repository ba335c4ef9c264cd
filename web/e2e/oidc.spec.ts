import { TestPlatform } from '@parley/testing';
import type { Page } from 'playwright-core';
import { TestIdp } from '../../libs/testing/src/oidc-idp';
import { launchBrowser, loopbackOnly, screenshot } from './browser';

// page.evaluate callbacks run in the browser; the suite compiles without the DOM lib, so their globals are loose here.
declare const localStorage: any;

const AUDIENCE = 'https://api.parley.test';

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

/**
 * AUTH_MODE=jwt with the operator's identity provider: a real OpenID Connect provider (oidc-provider) and the real
 * web client in Debian Chromium, signing in with authorization code + PKCE through the provider's own pages.
 */
describe('sign-in with an OIDC identity provider in the browser', () => {
  let idp: TestIdp;
  let platform: TestPlatform;
  let base: string;

  beforeAll(async () => {
    idp = await TestIdp.create({ clientId: 'parley-web', audience: AUDIENCE });
    platform = await TestPlatform.start({ services: ['gateway', 'session', 'turn-pipeline'], env: idp.gatewayEnv() });
    base = platform.url('gateway');
    await idp.start([`${base}/auth/callback`], [`${base}/`]);
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await idp?.stop();
  });

  const token = (page: Page) => page.evaluate(() => localStorage.getItem('parley.token') as string | null);

  it('signs in at the provider, practises by text with its token, signs out there, and returns to sign-in when the token is refused or expires', async () => {
    const { browser, context, consoleErrors } = await launchBrowser();
    const refusedHosts = await loopbackOnly(context);
    const page = await context.newPage();
    try {
      const authorizations: URL[] = [];
      page.on('request', (r) => r.url().startsWith(`${idp.issuer}/auth?`) && authorizations.push(new URL(r.url())));
      await page.goto(`${base}/`);
      const signInButton = page.getByRole('button', { name: 'Sign in with Test IdP' });
      await signInButton.waitFor();
      expect(await page.getByLabel('Your name').count()).toBe(0); // no dev sign-in in jwt mode
      await screenshot(page, 'oidc-01-sign-in');

      // The provider's pages: its login form, then consent.
      await signInButton.click();
      await page.waitForURL((url) => url.origin === idp.issuer);
      await page.locator('input[name=login]').fill('ana.idp');
      await page.locator('input[name=password]').fill('any password');
      await screenshot(page, 'oidc-02-provider-login');
      await page.getByRole('button', { name: 'Sign-in' }).click();
      await page.getByRole('button', { name: 'Continue' }).click();

      // Back in Parley, signed in as the provider's subject, with a JWT access token for our API.
      await page.getByRole('heading', { name: 'Choose a scenario' }).waitFor({ timeout: 30_000 });
      expect(new URL(page.url()).pathname).toBe('/'); // the callback URL (with its code) is gone
      await page.locator('.user').getByText('ana.idp').waitFor();
      const bearer = (await token(page))!;
      expect(claimsOf(bearer)).toMatchObject({ iss: idp.issuer, aud: AUDIENCE, sub: 'ana.idp' });
      await screenshot(page, 'oidc-03-catalog');

      // The catalog, a text session (REST + socket) and a streamed reply (SSE), all with the provider's token.
      await page.getByLabel('Search').fill('charged');
      await page.getByRole('button', { name: /charged twice/i }).first().click();
      await page.getByRole('radio', { name: /Text/ }).check();
      await page.getByRole('button', { name: 'Start practice' }).click();
      await page.waitForURL(/#\/chat\//);
      const chatRoom = page.url();
      await page.getByTestId('chat-turn-0').waitFor({ timeout: 30_000 });
      await page.getByLabel('Your message').fill('Could you please verify the email on your account for me?');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.getByTestId('chat-turn-2').waitFor({ timeout: 30_000 });
      await page.getByTestId('chat-status').getByText('Your turn').waitFor();
      await screenshot(page, 'oidc-04-text-practice');

      // Signing out ends the provider's session too (its confirmation page), then Parley's sign-in screen.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((url) => url.origin === idp.issuer);
      await page.getByRole('button', { name: 'Yes, sign me out' }).click();
      await signInButton.waitFor();
      expect(await token(page)).toBeNull();

      // A token the gateway refuses (here a forged one) brings the sign-in screen back, saying why.
      await page.evaluate(() => {
        localStorage.setItem('parley.token', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJtYWxsb3J5In0.');
        localStorage.setItem('parley.user', 'mallory');
      });
      await page.reload();
      await page.getByRole('status').getByText('Invalid access token. Sign in again.').waitFor();
      await signInButton.waitFor();
      expect(await token(page)).toBeNull();

      // A token that expires while the page is open: back to sign-in when it does, with the reason.
      const shortLived = await idp.sign({ sub: 'ana.idp' }, { expiresIn: Math.floor(Date.now() / 1000) + 4 });
      await page.evaluate((t: string) => {
        localStorage.setItem('parley.token', t);
        localStorage.setItem('parley.user', 'ana.idp');
      }, shortLived);
      await page.reload();
      await page.getByRole('heading', { name: 'Choose a scenario' }).waitFor();
      await page.getByRole('status').getByText('Your sign-in has expired. Sign in again.').waitFor({ timeout: 10_000 });
      await screenshot(page, 'oidc-05-expired');

      // A room whose socket handshake is refused for the token, while REST still accepts (its requests carry a
      // valid token here): the room sends the page back to sign-in as well, with the reason.
      const valid = await idp.sign({ sub: 'ana.idp' }, { expiresIn: Math.floor(Date.now() / 1000) + 600 });
      await page.route('**/api/**', (route) => route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${valid}` } }));
      // The same token with another signature: not expired for the page, refused by the gateway.
      const [header, claims] = valid.split('.');
      const forged = `${header}.${claims}.${Buffer.from('not the provider signature').toString('base64url')}`;
      await page.evaluate((t: string) => {
        localStorage.setItem('parley.token', t);
        localStorage.setItem('parley.user', 'ana.idp');
      }, forged);
      await page.goto(chatRoom);
      await page.reload(); // a new hash alone does not load the page again
      await page.getByRole('status').getByText('Invalid access token. Sign in again.').waitFor({ timeout: 15_000 });
      await signInButton.waitFor();
      await page.unroute('**/api/**');

      // Authorization code with PKCE (S256), asking for our API's audience; and nothing left this machine.
      expect(authorizations).toHaveLength(1);
      const params = authorizations[0]!.searchParams;
      expect(Object.fromEntries(['response_type', 'client_id', 'code_challenge_method', 'resource', 'redirect_uri'].map((k) => [k, params.get(k)]))).toEqual({
        response_type: 'code',
        client_id: 'parley-web',
        code_challenge_method: 'S256',
        resource: AUDIENCE,
        redirect_uri: `${base}/auth/callback`,
      });
      expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(refusedHosts.every((host) => host === 'fonts.googleapis.com')).toBe(true);
      // The provider's pages import a web font that the test refuses to fetch; nothing else may fail.
      expect(consoleErrors.filter((e) => !/favicon|ERR_BLOCKED_BY_CLIENT|Failed to load resource: the server responded with a status of 401/.test(e))).toEqual([]);
    } catch (error) {
      await screenshot(page, 'oidc-failed');
      throw error;
    } finally {
      await browser.close();
    }
  }, 180_000);
});
