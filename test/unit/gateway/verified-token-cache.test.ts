import { describe, expect, it, vi } from 'vitest';
import { VerifiedTokenCache } from '../../../src/gateway/auth/verified-token-cache.js';
import { AuthenticationError } from '../../../src/platform/identity/auth-errors.js';
import type { AccessClaims } from '../../../src/platform/identity/token-verifier.js';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const claims = (exp: number): AccessClaims => ({ sub: 'u1', orgId: 'o1', roles: ['member'], jti: 'j1', exp, iat: exp - 900 });

function setup(options: { ttlMs?: number; maxEntries?: number } = {}) {
  let now = T0;
  const cache = new VerifiedTokenCache({ ttlMs: options.ttlMs ?? 60_000, maxEntries: options.maxEntries ?? 100, clockToleranceSeconds: 30, now: () => now });
  const verify = vi.fn(async (token: string) => claims(T0 / 1000 + 900 + Number(token.replace(/\D/g, '') || 0)));
  return { cache, verify, advance: (ms: number) => (now += ms) };
}

describe('VerifiedTokenCache', () => {
  it('when the same token comes again within the reuse window, then it is verified once and the claims are the same', async () => {
    const { cache, verify } = setup();
    const first = await cache.claimsOf('token', verify);
    const second = await cache.claimsOf('token', verify);
    expect(second).toEqual(first);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('when the reuse window has passed, then the token is verified again', async () => {
    const { cache, verify, advance } = setup({ ttlMs: 60_000 });
    await cache.claimsOf('token', verify);
    advance(60_001);
    await cache.claimsOf('token', verify);
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('when a remembered token has expired (past the clock tolerance), then it is refused as expired without verifying', async () => {
    const { cache, verify, advance } = setup({ ttlMs: 20 * 60_000 });
    await cache.claimsOf('token', verify);
    advance(900_000 + 29_000);
    await expect(cache.claimsOf('token', verify)).resolves.toBeDefined();
    advance(1_000);
    const refusal = await cache.claimsOf('token', verify).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AuthenticationError);
    expect((refusal as AuthenticationError).reason).toBe('expired');
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('when verification fails, then nothing is remembered and the next attempt verifies again', async () => {
    const { cache } = setup();
    const verify = vi.fn(async () => {
      throw new AuthenticationError('bad_signature', 'Token signature is invalid');
    });
    await expect(cache.claimsOf('forged', verify)).rejects.toThrow('signature');
    await expect(cache.claimsOf('forged', verify)).rejects.toThrow('signature');
    expect(verify).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(0);
  });

  it('when more tokens than the cap arrive, then the oldest are forgotten and the size stays at the cap', async () => {
    const { cache, verify } = setup({ maxEntries: 3 });
    for (const token of ['t1', 't2', 't3', 't4']) await cache.claimsOf(token, verify);
    expect(cache.size).toBe(3);
    await cache.claimsOf('t1', verify);
    expect(verify).toHaveBeenCalledTimes(5);
    await cache.claimsOf('t4', verify);
    expect(verify).toHaveBeenCalledTimes(5);
  });

  it('when a remembered token is verified again with the cache full, then it replaces its own entry and no other entry is dropped', async () => {
    const { cache, verify, advance } = setup({ maxEntries: 2, ttlMs: 60_000 });
    await cache.claimsOf('t1', verify);
    await cache.claimsOf('t2', verify);
    advance(60_001);
    await cache.claimsOf('t2', verify);
    expect(verify).toHaveBeenCalledTimes(3);
    expect(cache.size).toBe(2);
  });

  it('when the reuse window is 0, then every request is verified', async () => {
    const { cache, verify } = setup({ ttlMs: 0 });
    await cache.claimsOf('token', verify);
    await cache.claimsOf('token', verify);
    expect(verify).toHaveBeenCalledTimes(2);
  });
});
