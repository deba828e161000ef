import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';
import { serviceSettings } from '../../testkit/services.js';
import { rest } from './rest-client.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && (process.env.CI || serviceSettings().requireServices)) {
  throw new Error(`${CHROMIUM} is missing: the /docs browser test needs Debian's chromium (apt-get install -y chromium); .ci/run installs it`);
}

const demo = { email: 'demo-docs@example.com', password: 'demo-password' };

describe('/docs: logging in from the API documentation', () => {
  describe('without a demo user (a real database, or production)', () => {
    let platform: TestPlatform;
    let document: any;
    beforeAll(async () => {
      platform = await startTestPlatform();
      document = (await rest(platform, 'GET', '/docs/openapi.json')).body;
    });
    afterAll(async () => platform?.close());

    it('when the document is read, then it lists /auth/login (public) and /auth/logout (bearer) with their answers', () => {
      const login = document.paths['/auth/login'].post;
      expect(login.security).toEqual([]);
      expect(login.tags).toEqual(['auth']);
      expect(login.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/LoginRequest');
      expect(document.components.schemas.LoginRequest.required).toEqual(['email', 'password']);
      expect(document.components.schemas.LoginAnswer.required).toEqual(['access_token', 'token_type', 'expires_in']);
      expect(Object.keys(login.responses).sort()).toEqual(['200', '401', '413', '415', '422', '429', '503']);
      const logout = document.paths['/auth/logout'].post;
      expect(logout.security).toEqual([{ bearerAuth: [] }]);
      expect(Object.keys(logout.responses).sort()).toEqual(['200', '401', '503']);
    });

    it('when the Authorize dialog is read, then it says how to get a token and names no demo user', () => {
      const description: string = document.components.securitySchemes.bearerAuth.description;
      expect(description).toMatch(/POST \/auth\/login/);
      expect(description).toMatch(/paste an `access_token`/);
      expect(description).not.toMatch(/Development/);
      expect(document.paths['/auth/login'].post.requestBody.content['application/json'].example).toEqual({ email: 'you@example.com', password: 'your password' });
    });

    it('when the login example is sent as documented, then the gateway answers what the document says', async () => {
      const answer = await fetch(`${platform.gateway.origin}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(answer.status).toBe(422);
      expect(await answer.json()).toEqual({
        detail: [
          { loc: ['body', 'email'], msg: 'Field required', type: 'missing' },
          { loc: ['body', 'password'], msg: 'Field required', type: 'missing' },
        ],
      });
    });
  });

  describe('in development, with the demo user', () => {
    let platform: TestPlatform;
    let browser: Browser | undefined;
    beforeAll(async () => {
      platform = await startTestPlatform({ demoLogin: demo });
      await platform.addUser({ ...demo, orgId: 'org-docs', roles: ['admin'] });
    });
    afterAll(async () => {
      await browser?.close();
      await platform?.close();
    });

    it('when the document is read, then the Authorize dialog names the demo user and the login example is prefilled with it', async () => {
      const document = (await rest(platform, 'GET', '/docs/openapi.json')).body;
      expect(document.components.securitySchemes.bearerAuth.description).toContain(`\`${demo.email}\` / \`${demo.password}\``);
      expect(document.paths['/auth/login'].post.requestBody.content['application/json'].example).toEqual(demo);
    });

    it.skipIf(!hasChromium)('when the developer runs the prefilled login on the page, then the page is authorized and the next call sends the token', async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${platform.gateway.origin}/docs`);

      const login = page.locator('#operations-auth-login');
      await login.locator('.opblock-summary').click();
      await login.locator('.try-out__btn').click();
      const answered = page.waitForResponse((response) => response.url().endsWith('/auth/login') && response.request().method() === 'POST');
      await login.locator('.execute').click();
      expect((await answered).status()).toBe(200);
      await expect.poll(() => page.evaluate(() => Boolean((window as any).ui.authSelectors.authorized().toJS().bearerAuth))).toBe(true);

      const list = page.locator('#operations-tasks-listTasks');
      await list.locator('.opblock-summary').click();
      await list.locator('.try-out__btn').click();
      const sent = page.waitForRequest((request) => new URL(request.url()).pathname === '/api/planning/tasks' && request.method() === 'GET');
      await list.locator('.execute').click();
      expect((await sent).headers().authorization).toMatch(/^Bearer ey/);
      expect(problems).toEqual([]);
    });
  });
});
