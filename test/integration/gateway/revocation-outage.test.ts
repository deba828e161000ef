import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';
import { TcpProxy } from '../../testkit/tcp-proxy.js';

const COUNT_TASKS = '{ tasks { totalCount } }';

/** Redis cut off mid-flight (through a proxy; the shared Redis itself keeps running). */
describe('revocation store outage', () => {
  let platform: TestPlatform;
  let proxy: TcpProxy | undefined;

  const graphql = (token: string) =>
    fetch(platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: COUNT_TASKS }),
      signal: AbortSignal.timeout(5000),
    });

  beforeAll(async () => {
    const redisUrl = process.env.REDIS_URL?.trim();
    if (redisUrl) {
      const target = new URL(redisUrl);
      proxy = await new TcpProxy(target.hostname, Number(target.port || 6379)).start();
    }
    platform = await startTestPlatform({ redisUrlOverride: (url) => proxy!.urlFor(url) });
    await platform.addUser({ email: 'dana@example.com', password: 'danas password', orgId: 'org-outage', roles: ['member'] });
  });
  afterAll(async () => {
    await platform?.close();
    await proxy?.stop();
  });

  it.runIf(!!process.env.REDIS_URL)(
    'when Redis is cut off, then requests fail closed with a quick 503, and they succeed again once it is back',
    async () => {
      const token = await platform.mintToken({ org_id: 'org-outage' });
      const revoked = await platform.mintToken({ org_id: 'org-outage' });
      expect((await graphql(token)).status).toBe(200);
      const loggedOut = await fetch(`${platform.gateway.origin}/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${revoked}` } });
      expect(loggedOut.status).toBe(200);

      proxy!.cut();
      try {
        for (const candidate of [token, revoked]) {
          const startedAt = Date.now();
          const response = await graphql(candidate);
          const body = await response.json();
          expect(response.status).toBe(503);
          expect(Date.now() - startedAt).toBeLessThan(5000);
          expect(body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
          expect(body.errors[0].message).toMatch(/temporarily unavailable/i);
          expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
        }
        // Logout cannot record the revocation, so it must not claim success.
        const logoutDuringOutage = await fetch(`${platform.gateway.origin}/auth/logout`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(5000),
        });
        expect(logoutDuringOutage.status).toBe(503);
        // A login cannot consult its attempt budget: 503, not a misleading 401.
        const loginDuringOutage = await fetch(`${platform.gateway.origin}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'dana@example.com', password: 'danas password' }),
          signal: AbortSignal.timeout(5000),
        });
        expect(loginDuringOutage.status).toBe(503);
        const ready = await fetch(`${platform.gateway.origin}/ready`, { signal: AbortSignal.timeout(5000) });
        expect(ready.status).toBe(503);
      } finally {
        proxy!.restore();
      }

      let status = 0;
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
        status = (await graphql(token)).status;
        if (status === 200) break;
        expect(status).toBe(503);
      }
      expect(status).toBe(200);
      const login = await fetch(`${platform.gateway.origin}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'dana@example.com', password: 'danas password' }),
      });
      expect(login.status).toBe(200);
      // The denylist survived the outage: the token logged out before it is still refused.
      const afterOutage = await graphql(revoked);
      expect(afterOutage.status).toBe(401);
      expect((await afterOutage.json()).errors[0].extensions.reason).toBe('revoked');
    },
    20_000,
  );

  it('when the revocation store is reachable, then a valid token passes and a logged-out one is refused', async () => {
    const token = await platform.mintToken({ org_id: 'org-outage-control' });
    expect((await graphql(token)).status).toBe(200);

    await fetch(`${platform.gateway.origin}/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const after = await graphql(token);
    expect(after.status).toBe(401);
    expect(platform.revocations.kind).toBe(process.env.REDIS_URL ? 'redis' : 'in-process');
  });
});
