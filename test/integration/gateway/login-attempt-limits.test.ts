import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFrom } from '../../testkit/from-address.js';
import { TcpProxy } from '../../testkit/tcp-proxy.js';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';

/** A login from one client address (127.0.0.x: one client IP each). */
function loginAt(platform: TestPlatform, email: string, password: string, address = '127.0.0.1') {
  return requestFrom(address, `${platform.gateway.origin}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
}

describe('login attempt limits', () => {
  let platform: TestPlatform;
  const login = (email: string, password: string, address?: string) => loginAt(platform, email, password, address);

  beforeAll(async () => {
    platform = await startTestPlatform({ loginLimits: { perAccount: 3, perIp: 1000, perAccountAllAddresses: 6 } });
    for (const name of ['bob', 'carol', 'dave', 'erin', 'frank']) {
      await platform.addUser({ email: `${name}@example.com`, password: `${name}s password`, orgId: 'org-limits', roles: ['member'] });
    }
  });
  afterAll(async () => platform?.close());

  it('when an account has failed 3 times, then the 4th attempt gets 429 with Retry-After while another account still gets 401', async () => {
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      expect((await login('bob@example.com', `wrong ${attempt}`)).status).toBe(401);
    }

    const fourth = await login('bob@example.com', 'wrong 4');
    expect(fourth.status).toBe(429);
    expect(Number(fourth.headers['retry-after'])).toBeGreaterThan(0);
    expect(fourth.json()).toEqual({ detail: expect.any(String) });
    // Even the right password waits at this address: the lock is on the account here, not on the guess.
    expect((await login('BOB@example.com', 'bobs password')).status).toBe(429);

    expect((await login('carol@example.com', 'wrong')).status).toBe(401);
    expect((await login('carol@example.com', 'carols password')).status).toBe(200);
  });

  it('when 100 wrong passwords arrive at once, then only the 3 the budget allows are checked (401) and the rest get 429', async () => {
    const burst = await Promise.all(Array.from({ length: 100 }, (_, i) => login('dave@example.com', `wrong ${i}`, '127.0.0.3')));
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(97);
  });

  it('when a burst of 40 wrong passwords has run, then it was counted in full and the right password right after it waits', async () => {
    const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => login('erin@example.com', `wrong ${i}`, '127.0.0.4')));
    expect(burst.filter((r) => r.status === 401)).toHaveLength(3);
    const right = await login('erin@example.com', 'erins password', '127.0.0.4');
    expect(right.status).toBe(429);
  });

  it('when others guess at an account from other addresses, then its owner still logs in from the address they used before', async () => {
    expect((await login('frank@example.com', 'franks password', '127.0.0.10')).status).toBe(200);
    // Two guessing addresses use up the account-wide budget of 6 (3 each).
    for (const address of ['127.0.0.11', '127.0.0.12']) {
      for (let i = 0; i < 3; i += 1) expect((await login('frank@example.com', `guess ${i}`, address)).status).toBe(401);
      expect((await login('frank@example.com', 'guess', address)).status).toBe(429);
    }
    // A third address is refused by the account-wide budget, the right password too.
    expect((await login('frank@example.com', 'franks password', '127.0.0.13')).status).toBe(429);
    // The owner's own address is not locked by the others' guesses.
    const owner = await login('frank@example.com', 'franks password', '127.0.0.10');
    expect(owner.status).toBe(200);
    expect((owner.json() as { access_token: string }).access_token).toEqual(expect.any(String));
  });

  it('when a login succeeds, then its attempt is given back and the account+address count is cleared', async () => {
    await platform.addUser({ email: 'gina@example.com', password: 'ginas password', orgId: 'org-limits', roles: ['member'] });
    for (let round = 0; round < 3; round += 1) {
      expect((await login('gina@example.com', 'wrong', '127.0.0.20')).status).toBe(401);
      expect((await login('gina@example.com', 'wrong', '127.0.0.20')).status).toBe(401);
      expect((await login('gina@example.com', 'ginas password', '127.0.0.20')).status).toBe(200);
    }
  });

  it.each([
    ['an email holding U+0000', { email: 'bob\u0000@example.com', password: 'x' }, 'email'],
    ['an email holding a lone surrogate', { email: 'bob\ud800@example.com', password: 'x' }, 'email'],
    ['no password', { email: 'bob@example.com' }, 'password'],
  ])('when the body has %s, then 422 names the field', async (_what, body, field) => {
    const answer = await fetch(`${platform.gateway.origin}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(answer.status).toBe(422);
    const { detail } = (await answer.json()) as { detail: Array<{ loc: string[] }> };
    expect(detail[0].loc).toEqual(['body', field]);
  });
});

describe('login while PostgreSQL is down', () => {
  let platform: TestPlatform;
  let proxy: TcpProxy | undefined;
  beforeAll(async () => {
    platform = await startTestPlatform({
      databaseUrlOverride: async (url) => {
        const target = new URL(url);
        proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
        return proxy.urlFor(url);
      },
    });
  });
  afterAll(async () => {
    proxy?.restore();
    await platform?.close();
    await proxy?.stop();
  });

  it('when the users table cannot be reached, then login answers 503 with Retry-After in the REST shape, and 200 again after', async () => {
    await platform.addUser({ email: 'hal@example.com', password: 'hals password', orgId: 'org-down', roles: ['member'] });
    proxy!.cut();
    try {
      const down = await loginAt(platform, 'hal@example.com', 'hals password');
      expect(down.status).toBe(503);
      expect(Number(down.headers['retry-after'])).toBeGreaterThan(0);
      expect(down.json()).toEqual({ detail: expect.any(String) });
    } finally {
      proxy!.restore();
    }
    await expect.poll(async () => (await loginAt(platform, 'hal@example.com', 'hals password')).status, { timeout: 15_000 }).toBe(200);
  });
});
