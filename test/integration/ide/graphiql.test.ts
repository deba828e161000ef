import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';
import { serviceSettings } from '../../testkit/services.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && (process.env.CI || serviceSettings().requireServices)) {
  throw new Error(`${CHROMIUM} is missing: the GraphiQL browser test needs Debian's chromium (apt-get install -y chromium); .ci/run installs it`);
}
if (!hasChromium) console.warn(`skipping the GraphiQL browser test: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const demoUser = { email: 'test@example.com', password: 'password', orgId: 'org-ide', roles: ['admin' as const] };
const QUERY = '{ tasks(first: 5) { totalCount } }';
const BROWSER_NAVIGATION = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('GraphiQL IDE in development', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform();
    await platform.addUser(demoUser);
    const token = await platform.mintToken({ org_id: demoUser.orgId, roles: demoUser.roles });
    const created = await platform.gql(token, 'mutation { createTask(input: { title: "Try the IDE", priority: HIGH }) { id } }');
    expect(created.body.errors).toBeUndefined();
  });
  afterAll(async () => platform?.close());

  it('when a browser opens /graphql, then it gets the IDE page loading only this server’s scripts, under a strict CSP', async () => {
    const answer = await fetch(platform.gateway.url, { headers: BROWSER_NAVIGATION });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await answer.text();
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>/);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((url) => !url.startsWith('data:'));
    expect(assets).toEqual(expect.arrayContaining(['/graphql/ide/assets/graphiql.min.js', '/graphql/ide/assets/graphiql-init.js']));
    for (const asset of assets) {
      expect(asset.startsWith('/graphql/ide/assets/'), asset).toBe(true);
      const file = await fetch(`${platform.gateway.origin}${asset}`);
      expect(file.status, asset).toBe(200);
      expect(file.headers.get('content-type'), asset).toMatch(asset.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
      expect(file.headers.get('cache-control'), asset).toMatch(/max-age|no-cache/);
      expect((await file.arrayBuffer()).byteLength, asset).toBeGreaterThan(0);
    }
  });

  it('when /graphql is a GraphQL request (a query parameter, no text/html, or POST), then the IDE stays out of the way', async () => {
    const withQuery = await fetch(`${platform.gateway.url}?query=${encodeURIComponent(QUERY)}`, { headers: BROWSER_NAVIGATION });
    expect(withQuery.status).toBe(401);
    const jsonGet = await fetch(platform.gateway.url, { headers: { accept: 'application/json' } });
    expect(jsonGet.status).toBe(401);
    const answer = await platform.gql(await platform.mintToken(), QUERY);
    expect(answer.status).toBe(200);
    expect(answer.body.data.tasks.totalCount).toBe(0);
  });

  it('when a file outside the allow-list is asked for, then it is 404', async () => {
    for (const path of ['package.json', '..%2Fpackage.json', '%2e%2e/%2e%2e/package.json', 'graphiql.js', '', 'umd%2Freact.development.js']) {
      const answer = await fetch(`${platform.gateway.origin}/graphql/ide/assets/${path}`);
      expect(answer.status, path).toBe(404);
      expect(await answer.json()).toEqual({ detail: 'Not Found' });
    }
  });

  describe.skipIf(!hasChromium)('in a real browser', () => {
    let browser: Browser;
    let page: Page;
    const problems: string[] = [];

    beforeAll(async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error' && !/401/.test(message.text())) problems.push(`console: ${message.text()}`);
      });
      page.on('response', (response) => {
        if (response.status() === 404) problems.push(`404: ${response.url()}`);
      });
      page.on('request', (request) => {
        if (!request.url().startsWith(platform.gateway.origin)) problems.push(`outside request: ${request.url()}`);
      });
    });
    afterAll(async () => browser?.close());

    it('when the page opens without a token, then GraphiQL asks for no schema and the bar says to log in to load it, with no error shown', async () => {
      const graphqlPosts: string[] = [];
      const record = (request: { url(): string; method(): string }) => {
        if (request.url() === platform.gateway.url && request.method() === 'POST') graphqlPosts.push(request.url());
      };
      page.on('request', record);
      await page.goto(platform.gateway.url);
      await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
      await page.waitForLoadState('networkidle');
      expect(await page.textContent('#ide-status')).toContain('log in (or paste a token) to load the schema');
      expect(graphqlPosts).toEqual([]);
      expect(await page.locator('.result-window').innerText()).not.toMatch(/UNAUTHENTICATED|error/i);
      page.off('request', record);

      // Logging in loads the schema: the introspection request goes out with the token.
      const introspection = page.waitForRequest((request) => request.url() === platform.gateway.url && request.method() === 'POST' && (request.postData() ?? '').includes('IntrospectionQuery'));
      await page.click('#ide-login');
      expect((await introspection).headers().authorization).toMatch(/^Bearer ey/);
      await page.click('#ide-logout');
      await expect.poll(() => page.textContent('#ide-status')).toContain('Not signed in');
    });

    it('when the developer logs in with the prefilled demo user and runs a query, then the result panel shows the answer', async () => {
      await page.goto(platform.gateway.url);
      await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
      expect(await page.inputValue('#ide-email')).toBe(demoUser.email);

      await page.click('#ide-login');
      await expect.poll(() => page.textContent('#ide-status')).toContain('Signed in');
      expect(await page.evaluate(() => sessionStorage.getItem('focus-kraliki.graphiql.token'))).toMatch(/^ey/);

      const editor = page.locator('.graphiql-query-editor .CodeMirror');
      await editor.waitFor();
      await editor.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText(QUERY);
      await page.click('.graphiql-execute-button');

      const result = page.locator('.result-window');
      await expect.poll(() => result.innerText(), { timeout: 10_000 }).toContain('"totalCount"');
      expect(await result.innerText()).toMatch(/"totalCount":\s*1/);
      await page.screenshot({ path: process.env.GRAPHIQL_SCREENSHOT ?? '/tmp/graphiql.png' });
      expect(problems).toEqual([]);
    });

    it('when a token is pasted instead, then GraphiQL sends it as the bearer token', async () => {
      await page.click('#ide-logout');
      await expect.poll(() => page.textContent('#ide-status')).toContain('Not signed in');
      const token = await platform.mintToken({ org_id: 'org-pasted' });
      await page.fill('#ide-token', token);
      await page.click('#ide-use-token');
      await expect.poll(() => page.evaluate(() => sessionStorage.getItem('focus-kraliki.graphiql.token'))).toBe(token);

      const sent = page.waitForRequest((request) => request.url() === platform.gateway.url && request.method() === 'POST');
      await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
      await page.click('.graphiql-execute-button');
      const headers = (await sent).headers();
      expect(headers.authorization).toBe(`Bearer ${token}`);
      expect(headers['content-type']).toBe('application/json');
      await expect.poll(() => page.locator('.result-window').innerText(), { timeout: 10_000 }).toContain('"totalCount"');
    });

    it('when the gateway refuses the token (expired, revoked, forged), then the IDE drops it and says to log in again', async () => {
      await page.fill('#ide-token', 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.bm90LWEtc2lnbmF0dXJl');
      await page.click('#ide-use-token');
      await expect.poll(() => page.textContent('#ide-status'), { timeout: 10_000 }).toContain('refused the token');
      expect(await page.evaluate(() => sessionStorage.getItem('focus-kraliki.graphiql.token'))).toBeNull();
      expect(await page.isHidden('#ide-logout')).toBe(true);
    });
  });
});

describe('GraphiQL IDE in production', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ isProduction: true });
  });
  afterAll(async () => platform?.close());

  it('when a browser opens /graphql, then it gets the normal 401, not the IDE, and no IDE assets are served', async () => {
    const answer = await fetch(platform.gateway.url, { headers: BROWSER_NAVIGATION });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).not.toMatch(/text\/html/);
    expect(await answer.text()).not.toContain('graphiql');
    const asset = await fetch(`${platform.gateway.origin}/graphql/ide/assets/graphiql.min.js`);
    expect(asset.status).toBe(404);
  });
});
