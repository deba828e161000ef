import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';

/** `"user";r=9;t=60` -> { name: 'user', r: 9, t: 60 } */
function parseRateLimit(header: string | null): { name: string; r: number; t: number } {
  const match = /^"(\w+)";r=(\d+);t=(\d+)$/.exec(header ?? '');
  if (!match) throw new Error(`not a RateLimit header: ${header}`);
  return { name: match[1]!, r: Number(match[2]), t: Number(match[3]) };
}

const aliasesOf = (count: number, field: string) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`;

describe('gateway rate limits per user', () => {
  let platform: TestPlatform;
  const freshUser = (org = `org-${randomUUID().slice(0, 8)}`) => platform.mintToken({ sub: `user-${randomUUID().slice(0, 8)}`, org_id: org });

  beforeAll(async () => {
    platform = await startTestPlatform({ rateLimits: { perUser: 10, perIp: 0 } });
  });
  afterAll(async () => platform?.close());

  it('when a user spends a 10-unit budget on cost-1 requests, then ten pass with a falling RateLimit and the eleventh gets 429', async () => {
    const token = await freshUser();
    const remaining: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const response = await platform.gql(token, '{ __typename }');
      expect(response.status).toBe(200);
      expect(response.body.data).toEqual({ __typename: 'Query' });
      expect(response.headers.get('ratelimit-policy')).toContain('"user";q=10;w=60');
      const limit = parseRateLimit(response.headers.get('ratelimit'));
      expect(limit.name).toBe('user');
      expect(limit.t).toBeGreaterThanOrEqual(1);
      expect(limit.t).toBeLessThanOrEqual(60);
      remaining.push(limit.r);
    }
    expect(remaining).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);

    const refused = await platform.gql(token, '{ __typename }');
    expect(refused.status).toBe(429);
    const retryAfter = refused.headers.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit-policy')).toContain('"user";q=10;w=60');
    const limit = parseRateLimit(refused.headers.get('ratelimit'));
    expect(limit).toMatchObject({ name: 'user', r: 0 });
    expect(limit.t).toBeGreaterThanOrEqual(1);
    expect(limit.t).toBeLessThanOrEqual(60);
    expect(refused.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(refused.body.data).toBeUndefined();
  });

  it('when one user has exhausted the budget, then another user of the same org still passes', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const exhausted = await freshUser(org);
    for (let i = 0; i < 10; i += 1) expect((await platform.gql(exhausted, '{ __typename }')).status).toBe(200);
    expect((await platform.gql(exhausted, '{ __typename }')).status).toBe(429);

    const other = await freshUser(org);
    const response = await platform.gql(other, '{ __typename }');
    expect(response.status).toBe(200);
    expect(parseRateLimit(response.headers.get('ratelimit')).r).toBe(9);
  });

  it('when the same user id is used in another org, then it has a budget of its own', async () => {
    const sub = `user-${randomUUID().slice(0, 8)}`;
    const first = await platform.mintToken({ sub, org_id: `org-${randomUUID().slice(0, 8)}` });
    for (let i = 0; i < 10; i += 1) expect((await platform.gql(first, '{ __typename }')).status).toBe(200);
    expect((await platform.gql(first, '{ __typename }')).status).toBe(429);

    const sameSubOtherOrg = await platform.mintToken({ sub, org_id: `org-${randomUUID().slice(0, 8)}` });
    expect((await platform.gql(sameSubOtherOrg, '{ __typename }')).status).toBe(200);
  });

  it('when a query costs more than the whole budget (15 aliased lists), then it is refused at once and reaches no subgraph', async () => {
    const token = await freshUser();
    const seenBefore = platform.comms.seenCallers.length;
    const response = await platform.gql(token, aliasesOf(15, 'tasks(first: 1) { totalCount }'));
    expect(response.status).toBe(429);
    expect(response.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(platform.comms.seenCallers.length).toBe(seenBefore);
  });

  it('when a paginated query is sent, then the remaining budget drops by its cost and not by 1', async () => {
    const token = await freshUser();
    const before = parseRateLimit((await platform.gql(token, '{ __typename }')).headers.get('ratelimit')).r;
    expect(before).toBe(9);
    const expensive = await platform.gql(token, '{ tasks(first: 100) { totalCount } }');
    expect(expensive.status).toBe(200);
    expect(expensive.body.data.tasks.totalCount).toBe(0);
    // 1 for the root field + 5 for 100 rows
    expect(parseRateLimit(expensive.headers.get('ratelimit')).r).toBe(before - 6);
  });

  it('when the page size comes from a variable, then the variable value is charged', async () => {
    const token = await freshUser();
    const response = await platform.gql(token, 'query($n: Int) { tasks(first: $n) { totalCount } }', { n: 100 });
    expect(response.status).toBe(200);
    expect(parseRateLimit(response.headers.get('ratelimit')).r).toBe(10 - 6);
  });

  it('when the page size comes from a variable of a GET request, then the variable value is charged', async () => {
    const token = await freshUser();
    const url = new URL(platform.gateway.url);
    url.searchParams.set('query', 'query($n: Int) { tasks(first: $n) { totalCount } }');
    url.searchParams.set('variables', JSON.stringify({ n: 100 }));
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).data.tasks.totalCount).toBe(0);
    expect(parseRateLimit(response.headers.get('ratelimit')).r).toBe(10 - 6);
  });

  it('when the fan-out hides in a named fragment, then it is charged as if written inline', async () => {
    const token = await freshUser();
    const fields = Array.from({ length: 15 }, (_, i) => `a${i}: tasks(first: 1) { totalCount }`).join(' ');
    const response = await platform.gql(token, `{ ...Fanout } fragment Fanout on Query { ${fields} }`);
    expect(response.status).toBe(429);
    expect(response.body.errors[0].extensions.code).toBe('RATE_LIMITED');
  });

  it('when a page size is absurd (10^23 in the query, 1e300 in a variable), then the request is refused with 429, not a store failure', async () => {
    const token = await freshUser();
    const literal = await platform.gql(token, '{ tasks(first: 100000000000000000000000) { totalCount } }');
    expect(literal.status).toBe(429);
    expect(literal.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    const other = await freshUser();
    const variable = await platform.gql(other, 'query($n: Int) { tasks(first: $n) { totalCount } }', { n: 1e300 });
    expect(variable.status).toBe(429);
    expect(variable.body.errors[0].message).toMatch(/costs 1000000 units, more than the whole user budget/);
    // Refused for its cost, it charged nothing: the whole budget is left.
    expect(parseRateLimit(variable.headers.get('ratelimit'))).toMatchObject({ name: 'user', r: 10 });
  });

  it.runIf(!!process.env.REDIS_URL)('when Redis is configured, then the user budget lives in Redis with a TTL of at most the window', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const sub = `user-${randomUUID().slice(0, 8)}`;
    const token = await platform.mintToken({ sub, org_id: org });
    expect((await platform.gql(token, '{ __typename }')).status).toBe(200);
    const redis = platform.redis!;
    // KEYS patterns are not prefixed by ioredis, so the client's own prefix is spelled out.
    const keys = await redis.keys(`${redis.options.keyPrefix ?? ''}*:user:${org}:${sub}`);
    expect(keys).toHaveLength(1);
    const unprefixed = keys[0]!.slice((redis.options.keyPrefix ?? '').length);
    expect(Number(await redis.get(unprefixed))).toBe(1);
    const ttl = await redis.pttl(unprefixed);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});

describe('gateway rate limits per client IP', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ rateLimits: { perUser: 0, perIp: 5 } });
  });
  afterAll(async () => platform?.close());

  it('when two users call from the same IP, then they share its budget and the sixth request is refused', async () => {
    const alice = await platform.mintToken({ sub: 'user-alice', org_id: 'org-ip-a' });
    const bob = await platform.mintToken({ sub: 'user-bob', org_id: 'org-ip-b' });
    const statuses: number[] = [];
    for (const token of [alice, bob, alice, bob, alice]) statuses.push((await platform.gql(token, '{ __typename }')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);

    const refused = await platform.gql(bob, '{ __typename }');
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(refused.headers.get('ratelimit-policy')).toBe('"ip";q=5;w=60');
    expect(parseRateLimit(refused.headers.get('ratelimit'))).toMatchObject({ name: 'ip', r: 0 });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
