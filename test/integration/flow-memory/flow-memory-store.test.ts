import { randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTEXT_TTL_MS,
  type FlowMemoryStore,
  INTERACTION_TTL_MS,
  MAX_INTERACTIONS,
  type MemoryOwner,
  SESSION_TTL_MS,
  type StoredInteraction,
} from '../../../src/modules/flow-memory/flow-memory.store.js';
import { InProcessFlowMemoryStore } from '../../../src/modules/flow-memory/in-process-flow-memory.store.js';
import { RedisFlowMemoryStore } from '../../../src/modules/flow-memory/redis-flow-memory.store.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { createRedisClient } from '../../../src/platform/redis/redis-client.js';
import { redisReady, serviceSettings } from '../../testkit/services.js';

const T0 = new Date('2026-12-01T08:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);
const anOwner = (): MemoryOwner => ({ orgId: `org-${randomUUID().slice(0, 8)}`, userId: `user-${randomUUID().slice(0, 8)}` });
const anInteraction = (at: Date, overrides: Partial<StoredInteraction> = {}): StoredInteraction => ({
  id: randomUUID(),
  userMessage: 'Plan the launch',
  aiResponse: 'Here is a plan',
  context: {},
  sessionId: null,
  metadata: {},
  timestamp: at.toISOString(),
  updatedAt: null,
  ...overrides,
});

/** One contract, two stores: every expectation below holds for Redis and for the in-process store alike. */
function storeContract(name: string, open: () => Promise<FlowMemoryStore>) {
  describe(`Flow Memory store contract: ${name}`, () => {
    let store: FlowMemoryStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => store?.close());

    it('when interactions are appended, then they are listed oldest first and each can be read by id', async () => {
      const owner = anOwner();
      const first = anInteraction(T0, { userMessage: 'first' });
      const second = anInteraction(T0, { userMessage: 'second', context: { page: 'tasks' }, metadata: { client: 'web' } });
      expect(await store.append(owner, [first, second], T0)).toBe(2);
      const third = anInteraction(later(1000), { userMessage: 'third' });
      expect(await store.append(owner, [third], later(1000))).toBe(3);
      expect((await store.list(owner, later(2000))).map((i) => i.userMessage)).toEqual(['first', 'second', 'third']);
      expect(await store.get(owner, second.id, later(2000))).toEqual(second);
      expect(await store.get(owner, randomUUID(), later(2000))).toBeNull();
    });

    it(`when more than ${MAX_INTERACTIONS} are kept, then only the newest ${MAX_INTERACTIONS} stay`, async () => {
      const owner = anOwner();
      const all = Array.from({ length: MAX_INTERACTIONS + 20 }, (_, i) => anInteraction(T0, { userMessage: `message ${i}` }));
      await store.append(owner, all.slice(0, 70), T0);
      expect(await store.append(owner, all.slice(70), T0)).toBe(MAX_INTERACTIONS);
      const kept = await store.list(owner, T0);
      expect(kept).toHaveLength(MAX_INTERACTIONS);
      expect(kept[0]!.userMessage).toBe('message 20');
      expect(kept.at(-1)!.userMessage).toBe(`message ${MAX_INTERACTIONS + 19}`);
      expect(await store.get(owner, all[0]!.id, T0)).toBeNull();
    });

    it('when 7 days have passed since an interaction was stored, then it is no longer kept, read, edited or deleted', async () => {
      const owner = anOwner();
      const old = anInteraction(T0, { userMessage: 'old' });
      await store.append(owner, [old], T0);
      const fresh = anInteraction(later(DAY), { userMessage: 'fresh' });
      await store.append(owner, [fresh], later(DAY));
      const justBefore = later(INTERACTION_TTL_MS - 1);
      expect((await store.list(owner, justBefore)).map((i) => i.userMessage)).toEqual(['old', 'fresh']);
      const expired = later(INTERACTION_TTL_MS);
      expect((await store.list(owner, expired)).map((i) => i.userMessage)).toEqual(['fresh']);
      expect(await store.get(owner, old.id, expired)).toBeNull();
      expect(await store.replace(owner, { ...old, userMessage: 'changed' }, expired)).toBe(false);
      expect(await store.remove(owner, old.id, expired)).toBe(false);
    });

    it('when a kept interaction is replaced or removed, then it reads changed or is gone (also from its session)', async () => {
      const owner = anOwner();
      const kept = anInteraction(T0, { sessionId: 's-1' });
      const other = anInteraction(T0, { sessionId: 's-1', userMessage: 'other' });
      await store.append(owner, [kept, other], T0);
      expect(await store.replace(owner, { ...kept, userMessage: 'changed', updatedAt: later(1).toISOString() }, later(1))).toBe(true);
      expect((await store.get(owner, kept.id, later(2)))?.userMessage).toBe('changed');
      expect(await store.replace(owner, anInteraction(T0), later(2))).toBe(false);
      expect(await store.remove(owner, other.id, later(2))).toBe(true);
      expect(await store.remove(owner, other.id, later(2))).toBe(false);
      const session = await store.session(owner, 's-1', later(3));
      expect(session?.interactions.map((i) => i.userMessage)).toEqual(['changed']);
    });

    it('when interactions name a session, then the session holds them for 24 hours after its last activity', async () => {
      const owner = anOwner();
      await store.append(owner, [anInteraction(T0, { sessionId: 'chat-1', userMessage: 'a' })], T0);
      await store.append(owner, [anInteraction(later(HOUR), { sessionId: 'chat-1', userMessage: 'b' }), anInteraction(later(HOUR), { sessionId: 'chat-2' })], later(HOUR));
      const session = await store.session(owner, 'chat-1', later(2 * HOUR));
      expect(session).toMatchObject({ id: 'chat-1', startedAt: T0.toISOString(), lastActivity: later(HOUR).toISOString() });
      expect(session!.interactions.map((i) => i.userMessage)).toEqual(['a', 'b']);
      expect(await store.session(owner, 'chat-1', later(HOUR + SESSION_TTL_MS - 1))).not.toBeNull();
      expect(await store.session(owner, 'chat-1', later(HOUR + SESSION_TTL_MS))).toBeNull();
      expect(await store.session(owner, 'unknown', T0)).toBeNull();
      // A session used again after it expired starts anew.
      const again = later(HOUR + SESSION_TTL_MS + HOUR);
      await store.append(owner, [anInteraction(again, { sessionId: 'chat-1', userMessage: 'c' })], again);
      const renewed = await store.session(owner, 'chat-1', again);
      expect(renewed).toMatchObject({ startedAt: again.toISOString() });
      expect(renewed!.interactions.map((i) => i.userMessage)).toEqual(['c']);
    });

    it('when a context summary is written again, then its version goes up; it is kept 30 days', async () => {
      const owner = anOwner();
      expect(await store.context(owner, T0)).toBeNull();
      expect(await store.putContext(owner, 'Prefers mornings', T0)).toEqual({ summary: 'Prefers mornings', createdAt: T0.toISOString(), version: 1 });
      expect((await store.putContext(owner, 'Prefers mornings and lists', later(1))).version).toBe(2);
      expect(await store.context(owner, later(CONTEXT_TTL_MS))).toEqual({ summary: 'Prefers mornings and lists', createdAt: later(1).toISOString(), version: 2 });
      expect(await store.context(owner, later(CONTEXT_TTL_MS + 1))).toBeNull();
      expect((await store.putContext(owner, 'A new start', later(CONTEXT_TTL_MS + 2))).version).toBe(1);
    });

    it('when memory is cleared, then everything of the owner is gone and the counts say what was', async () => {
      const owner = anOwner();
      await store.append(owner, [anInteraction(T0, { sessionId: 'a' }), anInteraction(T0, { sessionId: 'b' }), anInteraction(T0)], T0);
      await store.putContext(owner, 'Some summary', T0);
      expect(await store.clear(owner, T0)).toEqual({ interactions: 3, sessions: 2, context: 1 });
      expect(await store.list(owner, T0)).toEqual([]);
      expect(await store.session(owner, 'a', T0)).toBeNull();
      expect(await store.context(owner, T0)).toBeNull();
      expect(await store.clear(owner, T0)).toEqual({ interactions: 0, sessions: 0, context: 0 });
    });

    it('when owners differ only in how their ids split (org "a:b" user "c", org "a" user "b:c"), then neither sees the other', async () => {
      const suffix = randomUUID().slice(0, 6);
      const one = { orgId: `a:b-${suffix}`, userId: 'c' };
      const two = { orgId: 'a', userId: `b-${suffix}:c` };
      const sameUserOtherOrg = { orgId: `other-${suffix}`, userId: 'c' };
      const mine = anInteraction(T0, { sessionId: 'shared-session' });
      await store.append(one, [mine], T0);
      await store.putContext(one, 'Only for one', T0);
      for (const stranger of [two, sameUserOtherOrg]) {
        expect(await store.list(stranger, T0)).toEqual([]);
        expect(await store.get(stranger, mine.id, T0)).toBeNull();
        expect(await store.session(stranger, 'shared-session', T0)).toBeNull();
        expect(await store.context(stranger, T0)).toBeNull();
        expect(await store.remove(stranger, mine.id, T0)).toBe(false);
        expect(await store.replace(stranger, mine, T0)).toBe(false);
        expect(await store.clear(stranger, T0)).toEqual({ interactions: 0, sessions: 0, context: 0 });
      }
      expect(await store.list(one, T0)).toHaveLength(1);
    });
  });
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

storeContract('in process', async () => new InProcessFlowMemoryStore());

const { redisUrl } = serviceSettings();
let redis: Redis | undefined;
const prefix = `test:${randomBytes(4).toString('hex')}:`;
if (redisUrl) {
  storeContract('Redis', async () => {
    redis = await redisReady(createRedisClient(redisUrl, { keyPrefix: prefix, logger: createLogger('silent') }));
    return new RedisFlowMemoryStore(redis);
  });

  describe('Flow Memory on Redis: keys and TTLs', () => {
    let client: Redis;
    let store: RedisFlowMemoryStore;
    beforeAll(async () => {
      client = await redisReady(createRedisClient(redisUrl, { keyPrefix: prefix, logger: createLogger('silent') }));
      store = new RedisFlowMemoryStore(client);
    });
    afterAll(() => client?.disconnect());

    it("when a user's memory is written, then its keys sit under the key prefix, scoped to org and user, with the TTLs of the contract", async () => {
      const owner = anOwner();
      const now = new Date();
      await store.append(owner, [anInteraction(now, { sessionId: 'chat' })], now);
      await store.putContext(owner, 'A summary here', now);
      const raw = await redisReady(createRedisClient(redisUrl, { keyPrefix: '', logger: createLogger('silent') }));
      try {
        const tag = `{${Buffer.from(owner.orgId).toString('base64url')}.${Buffer.from(owner.userId).toString('base64url')}}`;
        const keys = (await raw.keys(`${prefix}flow-memory:${tag}:*`)).sort();
        expect(keys.map((k) => k.slice(prefix.length))).toEqual(
          [
            `flow-memory:${tag}:context`,
            `flow-memory:${tag}:items`,
            `flow-memory:${tag}:order`,
            `flow-memory:${tag}:session:${Buffer.from('chat').toString('base64url')}`,
            `flow-memory:${tag}:session:${Buffer.from('chat').toString('base64url')}:order`,
            `flow-memory:${tag}:sessions`,
          ].sort(),
        );
        const ttl = async (suffix: string) => raw.pttl(`${prefix}flow-memory:${tag}:${suffix}`);
        for (const [suffix, expected] of [['items', INTERACTION_TTL_MS], ['order', INTERACTION_TTL_MS], ['context', CONTEXT_TTL_MS], [`session:${Buffer.from('chat').toString('base64url')}`, SESSION_TTL_MS]] as const) {
          const left = await ttl(suffix);
          expect(left, suffix).toBeGreaterThan(expected - 60_000);
          expect(left, suffix).toBeLessThanOrEqual(expected);
        }
      } finally {
        raw.disconnect();
      }
    });
  });
}

afterAll(() => redis?.disconnect());
