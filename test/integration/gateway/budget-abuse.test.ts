import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TokenVerifier } from '../../../src/platform/identity/token-verifier.js';
import { accessClaims, signEdDsa, untrustedSigningKey } from '../../testkit/forged-tokens.js';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';

const remainingOf = (headers: Headers): number => Number(/;r=(\d+);/.exec(headers.get('ratelimit') ?? '')?.[1]);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('budgets against a hostile caller', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ rateLimits: { perUser: 600, perIp: 1200 } });
  });
  afterAll(async () => platform?.close());

  it('when a persisted query is sent by its hash alone, then it is charged what its document costs, over POST and GET', async () => {
    const token = await platform.mintToken();
    const query = '{ tasks(first: 100) { edges { node { id } } } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    const register = await fetch(platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, extensions }),
    });
    expect(register.status).toBe(200);
    const afterRegister = remainingOf(register.headers);
    expect(afterRegister).toBe(600 - 6);

    const byHash = await fetch(platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ extensions }),
    });
    expect(byHash.status).toBe(200);
    expect((await byHash.json()).data.tasks.edges).toEqual([]);
    expect(remainingOf(byHash.headers)).toBe(afterRegister - 6);

    const url = `${platform.gateway.url}?extensions=${encodeURIComponent(JSON.stringify(extensions))}`;
    const overGet = await fetch(url, { headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' } });
    expect(overGet.status).toBe(200);
    expect(remainingOf(overGet.headers)).toBe(afterRegister - 12);
  });

  it('when a hash names no stored document, then it costs 1 and Apollo answers PERSISTED_QUERY_NOT_FOUND', async () => {
    const token = await platform.mintToken();
    const answer = await fetch(platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(randomUUID()) } } }),
    });
    expect((await answer.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(remainingOf(answer.headers)).toBe(599);
  });
});

describe('one address shared by several users', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ rateLimits: { perUser: 600, perIp: 1200 } });
  });
  afterAll(async () => platform?.close());

  it('when one user\'s huge request is refused, then the address budget is untouched and the next user behind it passes', async () => {
    const greedy = await platform.mintToken();
    for (let i = 0; i < 3; i += 1) {
      const refused = await platform.gql(greedy, '{ tasks(first: 1000000) { totalCount } }');
      expect(refused.status).toBe(429);
      expect(refused.body.errors[0].extensions.budget).toBe('user');
    }
    const neighbour = await platform.mintToken();
    const answer = await platform.gql(neighbour, '{ __typename }');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('ratelimit')).toMatch(/^"user";r=599;/);
    // The address budget holds this one request only (and the greedy user's own budget nothing either).
    const ipOnly = await platform.gql(greedy, '{ __typename }');
    expect(ipOnly.headers.get('ratelimit')).toMatch(/^"user";r=599;/);
  });
});

describe('failed authentications from one address', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ rateLimits: { perUser: 100, perIp: 10 } });
  });
  afterAll(async () => platform?.close());

  it('when forged tokens use up the address budget, then the address is refused with 429 and later forgeries cost no signature check', async () => {
    const attacker = await untrustedSigningKey();
    for (let i = 0; i < 10; i += 1) {
      const forged = await signEdDsa(attacker, accessClaims());
      expect((await platform.gql(forged, '{ __typename }')).status).toBe(401);
    }
    const checks = vi.spyOn(TokenVerifier.prototype, 'verifyAccessToken');
    try {
      for (let i = 0; i < 20; i += 1) {
        const refused = await platform.gql(await signEdDsa(attacker, accessClaims()), '{ __typename }');
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      // A missing token is a failed authentication too, and a valid one from this address waits like the rest.
      expect((await platform.gql(null, '{ __typename }')).status).toBe(429);
      expect((await platform.gql(await platform.mintToken(), '{ __typename }')).status).toBe(429);
      expect(checks).not.toHaveBeenCalled();
    } finally {
      checks.mockRestore();
    }
  });
});
