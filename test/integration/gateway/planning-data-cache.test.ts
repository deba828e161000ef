import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InProcessPlanningDataCache,
  type PlanningDataCache,
  RedisPlanningDataCache,
  redisStoreIdentity,
} from '../../../src/platform/cache/planning-data-cache.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { createRedisClient } from '../../../src/platform/redis/redis-client.js';
import { redisReady, serviceSettings } from '../../testkit/services.js';

const { redisUrl } = serviceSettings();
const redis = redisUrl ? createRedisClient(redisUrl, { keyPrefix: `test:${randomBytes(4).toString('hex')}:`, logger: createLogger('silent') }) : undefined;
beforeAll(async () => {
  if (redis) await redisReady(redis);
});
afterAll(() => redis?.disconnect());

const stores: Array<[string, () => PlanningDataCache]> = [
  ['in-process', () => new InProcessPlanningDataCache()],
  ...(redis ? ([['redis', () => new RedisPlanningDataCache(redis, 'test-store')]] as Array<[string, () => PlanningDataCache]>) : []),
];

describe.each(stores)('planning data cache (%s)', (_name, make) => {
  it('when an org is read the first time, then there is no version to store under yet, and the next read has one', async () => {
    const cache = make();
    const org = `org-${randomBytes(3).toString('hex')}`;
    expect(await cache.lookup(org, 'k')).toEqual({ version: undefined, answer: undefined });
    const { version } = await cache.lookup(org, 'k');
    expect(version).toEqual(expect.any(String));
  });

  it('when an answer is stored under the current version, then it is found; after a bump it is not', async () => {
    const cache = make();
    const org = `org-${randomBytes(3).toString('hex')}`;
    await cache.lookup(org, 'k');
    const { version } = await cache.lookup(org, 'k');
    await cache.store(org, 'k', version!, '{"data":{"a":1}}', 60);
    expect((await cache.lookup(org, 'k')).answer).toBe('{"data":{"a":1}}');
    expect((await cache.lookup(org, 'other')).answer).toBeUndefined();
    await cache.bump([org]);
    const after = await cache.lookup(org, 'k');
    expect(after.answer).toBeUndefined();
    expect(after.version).not.toBe(version);
  });

  it('when another org changes, then this org keeps its answers', async () => {
    const cache = make();
    const [org, other] = [`org-${randomBytes(3).toString('hex')}`, `org-${randomBytes(3).toString('hex')}`];
    await cache.lookup(org, 'k');
    const { version } = await cache.lookup(org, 'k');
    await cache.store(org, 'k', version!, 'answer', 60);
    await cache.bump([other]);
    expect((await cache.lookup(org, 'k')).answer).toBe('answer');
  });

  it('when an answer was read under a version that has since changed, then storing it keeps it unreachable', async () => {
    const cache = make();
    const org = `org-${randomBytes(3).toString('hex')}`;
    await cache.lookup(org, 'k');
    const { version: before } = await cache.lookup(org, 'k');
    await cache.bump([org]);
    await cache.store(org, 'k', before!, 'stale answer', 60);
    expect((await cache.lookup(org, 'k')).answer).toBeUndefined();
  });
});

describe.skipIf(!redis)('planning data cache on Redis', () => {
  it('when the version key is lost (evicted or flushed), then answers stored before never match again', async () => {
    const cache = new RedisPlanningDataCache(redis!, 'test-store');
    const org = `org-${randomBytes(3).toString('hex')}`;
    await cache.lookup(org, 'k');
    const { version } = await cache.lookup(org, 'k');
    await cache.store(org, 'k', version!, 'old answer', 60);
    await redis!.del(`planning-cache:{${org}}:version`);
    await cache.lookup(org, 'k');
    expect((await cache.lookup(org, 'k')).answer).toBeUndefined();
  });

  it('when two processes use the same server and prefix, then their fingerprints agree; otherwise they differ', () => {
    const a = new RedisPlanningDataCache(redis!, redisStoreIdentity('redis://127.0.0.1:6379', 'p:'));
    const b = new RedisPlanningDataCache(redis!, redisStoreIdentity('redis://:secret@127.0.0.1:6379/0', 'p:'));
    const c = new RedisPlanningDataCache(redis!, redisStoreIdentity('redis://127.0.0.1:6379', 'q:'));
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
    expect(new InProcessPlanningDataCache().fingerprint).not.toBe(new InProcessPlanningDataCache().fingerprint);
  });
});
