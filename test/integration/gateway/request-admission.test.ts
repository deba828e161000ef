import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InProcessRevocationStore, RedisRevocationStore, type RevocationStore } from '../../../src/gateway/auth/revocation-store.js';
import { type AdmissionDecision, RequestLimits } from '../../../src/gateway/limits/request-limits.js';
import { AuthUnavailableError } from '../../../src/platform/identity/auth-errors.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { createRedisClient } from '../../../src/platform/redis/redis-client.js';
import { redisReady, serviceSettings } from '../../testkit/services.js';

const logger = createLogger('silent');
const { redisUrl } = serviceSettings();
const redis = redisUrl ? createRedisClient(redisUrl, { keyPrefix: `test:${randomBytes(4).toString('hex')}:`, logger }) : undefined;
/** A second connection to the same server: a revocation store on it is not the limiter's own client. */
const otherRedis = redisUrl ? createRedisClient(redisUrl, { keyPrefix: redis!.options.keyPrefix!, logger }) : undefined;
beforeAll(async () => {
  if (redis) await redisReady(redis);
  if (otherRedis) await redisReady(otherRedis);
});
afterAll(() => {
  redis?.disconnect();
  otherRedis?.disconnect();
});

const fresh = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const allowed = (decision: AdmissionDecision) => !decision.revoked && decision.allowed;

interface Setup {
  limits: RequestLimits;
  revocations: RevocationStore;
}

/**
 * The gateway's admission in each of its forms: the Redis script (revocation store on the limiter's own client), the
 * same checks in two round trips (store on another client), and the in-process stores of a first run.
 */
const setups: Array<[string, (budgets: { perUser: number; perIp: number }, keyPrefix: string) => Setup]> = [
  ['in-process', (budgets, keyPrefix) => ({ limits: new RequestLimits({ ...budgets, keyPrefix }), revocations: new InProcessRevocationStore() })],
  ...(redis
    ? ([
        ['redis, one script', (budgets, keyPrefix) => ({ limits: new RequestLimits({ ...budgets, keyPrefix, redis }), revocations: new RedisRevocationStore(redis) })],
        ['redis, two round trips', (budgets, keyPrefix) => ({ limits: new RequestLimits({ ...budgets, keyPrefix, redis }), revocations: new RedisRevocationStore(otherRedis!) })],
      ] as typeof setups)
    : []),
];

describe.each(setups)('request admission (%s)', (_name, make) => {
  it('when a token is revoked, then it is refused and neither of its budgets is charged', async () => {
    const { limits, revocations } = make({ perUser: 3, perIp: 3 }, fresh('rl'));
    const keys = { user: fresh('org:user'), ip: fresh('ip') };
    const jti = fresh('jti');
    await revocations.revoke(jti, 60);
    for (let i = 0; i < 5; i += 1) expect(await limits.admit(jti, revocations, keys, 1)).toEqual({ revoked: true });
    // A valid token of the same user from the same address still has every unit: the revoked one spent none.
    const next = await limits.admit(fresh('jti'), revocations, keys, 3);
    expect(next).toMatchObject({ revoked: false, allowed: true });
    expect((next as { headers: Record<string, string> }).headers.ratelimit).toMatch(/^"(user|ip)";r=0;t=(59|60)$/);
  });

  it('when requests of various costs come, then each budget is charged their sum and the one going over is refused', async () => {
    const { limits, revocations } = make({ perUser: 10, perIp: 100 }, fresh('rl'));
    const keys = { user: fresh('org:user'), ip: fresh('ip') };
    const decisions: AdmissionDecision[] = [];
    for (const cost of [4, 5, 1, 2]) decisions.push(await limits.admit(fresh('jti'), revocations, keys, cost));
    expect(decisions.map(allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => (d as { headers: Record<string, string> }).headers.ratelimit?.replace(/;t=\d+$/, ''))).toEqual([
      '"user";r=6',
      '"user";r=1',
      '"user";r=0',
      '"user";r=0',
    ]);
    expect(decisions[0]).toMatchObject({ headers: { 'ratelimit-policy': '"user";q=10;w=60, "ip";q=100;w=60' } });
    expect(decisions[3]).toMatchObject({ revoked: false, allowed: false, budget: 'user' });
    const refused = decisions[3] as { retryAfterSeconds: number; headers: Record<string, string> };
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(refused.headers['retry-after']).toBe(String(refused.retryAfterSeconds));
    // The address budget was charged the three admitted (4 + 5 + 1), not the refused one.
    const ipOnly = await limits.admit(fresh('jti'), revocations, { ip: keys.ip }, 1);
    expect((ipOnly as { headers: Record<string, string> }).headers.ratelimit).toMatch(/^"ip";r=89;t=(59|60)$/);
  });

  it('when one user\'s request is refused for its cost, then neither budget is charged and others behind the same IP still pass', async () => {
    const { limits, revocations } = make({ perUser: 10, perIp: 20 }, fresh('rl'));
    const ip = fresh('ip');
    const greedy = { user: fresh('org:user'), ip };
    // Over the user budget and the IP budget: refused, and nothing of it charged anywhere.
    expect(await limits.admit(fresh('jti'), revocations, greedy, 50_000)).toMatchObject({ allowed: false, budget: 'user', exceedsBudget: true });
    expect(await limits.admit(fresh('jti'), revocations, greedy, 8)).toMatchObject({ allowed: true, headers: { ratelimit: expect.stringMatching(/^"user";r=2;/) } });
    // 2 units left: a cost of 5 is refused, and charges nothing either.
    expect(await limits.admit(fresh('jti'), revocations, greedy, 5)).toMatchObject({ allowed: false, budget: 'user', exceedsBudget: false, exhausted: false });
    const other = await limits.admit(fresh('jti'), revocations, { user: fresh('org:user'), ip }, 5);
    expect(other).toMatchObject({ allowed: true, headers: { ratelimit: expect.stringMatching(/^"user";r=5;/) } });
    expect(await limits.admit(fresh('jti'), revocations, greedy, 2)).toMatchObject({ allowed: true, headers: { ratelimit: expect.stringMatching(/^"user";r=0;/) } });
    // The IP budget holds the three admitted: 8 + 5 + 2 of 20.
    expect(await limits.admit(fresh('jti'), revocations, { ip }, 1)).toMatchObject({ allowed: true, headers: { ratelimit: expect.stringMatching(/^"ip";r=4;/) } });
  });

  it('when a budget is off, then only the other is charged and named', async () => {
    const { limits, revocations } = make({ perUser: 0, perIp: 2 }, fresh('rl'));
    const keys = { user: fresh('org:user'), ip: fresh('ip') };
    expect(await limits.admit(fresh('jti'), revocations, keys, 2)).toMatchObject({ allowed: true, headers: { 'ratelimit-policy': '"ip";q=2;w=60', ratelimit: expect.stringMatching(/^"ip";r=0;/) } });
    expect(await limits.admit(fresh('jti'), revocations, keys, 1)).toMatchObject({ allowed: false, budget: 'ip' });
    const none = make({ perUser: 0, perIp: 0 }, fresh('rl'));
    expect(await none.limits.admit(fresh('jti'), none.revocations, keys, 1_000_000)).toEqual({ revoked: false, allowed: true, headers: {} });
  });
});

describe.runIf(!!redis)('request admission on Redis', () => {
  it('when the script charges a budget, then rate-limiter-flexible reads and resets the same count (one budget for both)', async () => {
    const keyPrefix = fresh('rl');
    const limits = new RequestLimits({ perUser: 10, perIp: 0, keyPrefix, redis: redis! });
    const revocations = new RedisRevocationStore(redis!);
    const user = fresh('org:user');
    await limits.admit(fresh('jti'), revocations, { user, ip: 'ip' }, 3);
    const library = new RateLimiterRedis({ storeClient: redis!, keyPrefix: `${keyPrefix}:user`, points: 10, duration: 60 });
    await library.consume(user, 2);
    const seen = await library.get(user);
    expect(seen?.consumedPoints).toBe(5);
    // ... and the script sees the library's charge: 5 of 10 left, so a cost of 6 is refused and a cost of 5 passes.
    expect(await limits.admit(fresh('jti'), revocations, { user, ip: 'ip' }, 6)).toMatchObject({ allowed: false, budget: 'user' });
    expect(await limits.admit(fresh('jti'), revocations, { user, ip: 'ip' }, 5)).toMatchObject({ allowed: true, headers: { ratelimit: expect.stringMatching(/^"user";r=0;/) } });
    expect((await library.get(user))?.consumedPoints).toBe(10);
    expect(seen!.msBeforeNext).toBeGreaterThan(58_000);
    expect(seen!.msBeforeNext).toBeLessThanOrEqual(60_000);
    await limits.reset('user', user);
    expect(await library.get(user)).toBeNull();
  });

  it('when the revocation store is on the limiter\'s own client, then admission does not ask it apart (one script); on another client it does', async () => {
    const isRevoked = vi.spyOn(RedisRevocationStore.prototype, 'isRevoked');
    try {
      const limits = new RequestLimits({ perUser: 5, perIp: 5, keyPrefix: fresh('rl'), redis: redis! });
      const keys = { user: fresh('org:user'), ip: fresh('ip') };
      expect(await limits.admit(fresh('jti'), new RedisRevocationStore(redis!), keys, 1)).toMatchObject({ revoked: false, allowed: true });
      expect(isRevoked).not.toHaveBeenCalled();
      expect(await limits.admit(fresh('jti'), new RedisRevocationStore(otherRedis!), keys, 1)).toMatchObject({ revoked: false, allowed: true });
      expect(isRevoked).toHaveBeenCalledTimes(1);
    } finally {
      isRevoked.mockRestore();
    }
  });

  it('when Redis is unreachable, then admission fails with the store unavailable error (503), whatever the token', async () => {
    // A port that accepts connections and never answers: every command times out.
    const silent: Server = createServer((socket) => socket.on('error', () => {}));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const dead = createRedisClient(`redis://127.0.0.1:${port}`, { keyPrefix: 'x:', logger, commandTimeoutMs: 200 });
    try {
      const limits = new RequestLimits({ perUser: 10, perIp: 10, redis: dead });
      const error = await limits.admit('jti', new RedisRevocationStore(dead), { user: 'u', ip: 'ip' }, 1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthUnavailableError);
      expect((error as Error).message).toMatch(/^revocation and rate-limit store unavailable: /);
    } finally {
      dead.disconnect();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
