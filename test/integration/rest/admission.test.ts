import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthUnavailableError } from '../../../src/platform/identity/auth-errors.js';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';
import { TcpProxy } from '../../testkit/tcp-proxy.js';
import { aCaller, aTask, rest, taskCount } from './rest-client.js';

const ROUTES: Array<[string, string]> = [
  ['GET', '/api/planning/tasks'],
  ['POST', '/api/planning/tasks'],
  ['GET', '/api/planning/tasks/00000000-0000-4000-8000-000000000000'],
  ['PATCH', '/api/planning/tasks/00000000-0000-4000-8000-000000000000'],
  ['POST', '/api/planning/tasks/00000000-0000-4000-8000-000000000000/complete'],
  ['DELETE', '/api/planning/tasks/00000000-0000-4000-8000-000000000000'],
  ['GET', '/api/planning/projects'],
  ['POST', '/api/planning/projects'],
  ['GET', '/api/planning/projects/00000000-0000-4000-8000-000000000000'],
  ['PATCH', '/api/planning/projects/00000000-0000-4000-8000-000000000000'],
  ['DELETE', '/api/planning/projects/00000000-0000-4000-8000-000000000000'],
];

describe('REST shim: admission (the same path as /graphql)', () => {
  let platform: TestPlatform;
  let proxy: TcpProxy | undefined;
  beforeAll(async () => {
    const redisUrl = process.env.REDIS_URL?.trim();
    if (redisUrl) {
      const target = new URL(redisUrl);
      proxy = await new TcpProxy(target.hostname, Number(target.port || 6379)).start();
    }
    platform = await startTestPlatform({ redisUrlOverride: (url) => proxy!.urlFor(url), rateLimits: { perUser: 8 } });
  });
  afterAll(async () => {
    await platform?.close();
    await proxy?.stop();
  });

  it('when no token, a malformed token or a forged token is sent, then every route is 401 with WWW-Authenticate: Bearer and detail', async () => {
    const forged = `${(await platform.mintToken()).slice(0, -4)}AAAA`;
    for (const [method, path] of ROUTES) {
      for (const token of [null, 'not-a-jwt', forged]) {
        const answer = await rest(platform, method, path, { token, body: method === 'POST' || method === 'PATCH' ? { title: 'x', name: 'x' } : undefined });
        expect(answer.status).toBe(401);
        expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(typeof answer.body.detail).toBe('string');
        expect(answer.body.errors).toBeUndefined();
      }
    }
  });

  it('when the token was revoked by logout, then the shim refuses it with 401 and writes nothing', async () => {
    const caller = await aCaller(platform);
    const revoked = await platform.mintToken({ org_id: caller.orgId });
    expect((await rest(platform, 'POST', '/auth/logout', { token: revoked })).status).toBe(200);
    const refused = await rest(platform, 'POST', '/api/planning/tasks', { token: revoked, body: { title: 'After logout' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(refused.body.reason).toBe('revoked');
    expect(await taskCount(platform, caller.token)).toBe(0);
  });

  it('when the caller spends its budget, then the shim answers 429 with Retry-After and detail, and writes nothing more', async () => {
    const { token, orgId } = await aCaller(platform);
    let created = 0;
    // Budget 8 cost units: a list of 50 costs 1 + 3; creates cost 1 each.
    const first = await rest(platform, 'GET', '/api/planning/tasks', { token });
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit')).toBeTruthy();
    let refused;
    for (let i = 0; i < 10 && !refused; i++) {
      const answer = await rest(platform, 'POST', '/api/planning/tasks', { token, body: { title: `Spend ${i}` } });
      if (answer.status === 429) refused = answer;
      else {
        expect(answer.status).toBe(200);
        created++;
      }
    }
    expect(refused).toBeDefined();
    expect(refused!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(typeof refused!.body.detail).toBe('string');
    expect(refused!.body.errors).toBeUndefined();
    // Another user of the same org has a budget of its own, and sees only the tasks created before the refusal.
    const colleague = await aCaller(platform, ['member'], orgId);
    expect(await taskCount(platform, colleague.token)).toBe(created);
  });

  it('when the revocation store cannot be reached, then the shim fails closed with 503 and detail', async () => {
    const { token } = await aCaller(platform);
    await aTask(platform, token);
    // With Redis: cut it off for real; on the in-process store: make the store fail as an unreachable Redis does.
    const spy = proxy ? undefined : vi.spyOn(platform.revocations, 'isRevoked').mockRejectedValue(new AuthUnavailableError('revocation store unavailable'));
    proxy?.cut();
    try {
      for (const [method, path] of [ROUTES[0]!, ROUTES[1]!]) {
        const answer = await rest(platform, method, path, { token, body: method === 'POST' ? { title: 'During outage' } : undefined });
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(answer.body.detail).toMatch(/unavailable/i);
      }
    } finally {
      proxy?.restore();
      spy?.mockRestore();
    }
    await expect.poll(async () => (await rest(platform, 'GET', '/api/planning/tasks?limit=1', { token })).status, { timeout: 10_000 }).toBe(200);
  });
});
