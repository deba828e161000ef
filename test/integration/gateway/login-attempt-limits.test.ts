import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';

describe('login attempt limits', () => {
  let platform: TestPlatform;
  const login = (email: string, password: string) =>
    fetch(`${platform.gateway.origin}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });

  beforeAll(async () => {
    platform = await startTestPlatform({ loginLimits: { perAccount: 3 } });
    await platform.addUser({ email: 'bob@example.com', password: 'bobs password', orgId: 'org-limits', roles: ['member'] });
    await platform.addUser({ email: 'carol@example.com', password: 'carols password', orgId: 'org-limits', roles: ['member'] });
  });
  afterAll(async () => platform?.close());

  it('when an account has failed 3 times, then the 4th attempt gets 429 with Retry-After while another account still gets 401', async () => {
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      expect((await login('bob@example.com', `wrong ${attempt}`)).status).toBe(401);
    }

    const fourth = await login('bob@example.com', 'wrong 4');
    expect(fourth.status).toBe(429);
    expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await fourth.json()).toEqual({ detail: expect.any(String) });
    // Even the right password waits: the lock is on the account, not on the guess.
    expect((await login('BOB@example.com', 'bobs password')).status).toBe(429);

    expect((await login('carol@example.com', 'wrong')).status).toBe(401);
    expect((await login('carol@example.com', 'carols password')).status).toBe(200);
  });
});
