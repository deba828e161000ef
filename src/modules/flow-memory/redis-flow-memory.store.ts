import type { Redis } from 'ioredis';
import { FlowMemoryUnavailableError } from './flow-memory.errors.js';
import {
  type ClearedMemory,
  CONTEXT_TTL_MS,
  type FlowMemoryStore,
  INTERACTION_TTL_MS,
  isKept,
  MAX_INTERACTIONS,
  type MemoryOwner,
  SESSION_TTL_MS,
  type StoredContext,
  type StoredInteraction,
  type StoredSession,
} from './flow-memory.store.js';

/**
 * Flow Memory on Redis. Keys (below the client's `REDIS_KEY_PREFIX`), all of one user in one hash slot:
 *
 * - `flow-memory:{<org>.<user>}:items`: hash, interaction id -> JSON
 * - `flow-memory:{<org>.<user>}:order`: sorted set of interaction ids by when they were stored (ms x 1000 + n)
 * - `flow-memory:{<org>.<user>}:sessions`: set of the user's session ids
 * - `flow-memory:{<org>.<user>}:session:<id>` / `...:session:<id>:order`: hash `started_at`, `last_activity`; its ids
 * - `flow-memory:{<org>.<user>}:context`: hash `summary`, `created_at`, `version`
 *
 * Org, user and session ids are base64url-encoded in keys, so no id can reach into another's keys. Every write is one
 * Lua script (atomic: the 100 newest are kept, expired ones dropped, TTLs refreshed: items and order 7 days after the
 * last write, a session 24 h after its last activity, the context 30 days after it was written). Any Redis failure
 * becomes {@link FlowMemoryUnavailableError} (503).
 */
export class RedisFlowMemoryStore implements FlowMemoryStore {
  readonly kind = 'redis';

  constructor(private readonly redis: Redis) {}

  async append(owner: MemoryOwner, interactions: readonly StoredInteraction[], now: Date): Promise<number> {
    const keys = keysOf(owner);
    const sessionIds = [...new Set(interactions.flatMap((i) => (i.sessionId === null ? [] : [i.sessionId])))];
    const sessionKeys = sessionIds.flatMap((id) => [keys.session(id), keys.sessionOrder(id)]);
    const args = interactions.flatMap((i) => [i.id, JSON.stringify(i), String(i.sessionId === null ? 0 : sessionIds.indexOf(i.sessionId) + 1), i.sessionId ?? '']);
    const kept = await this.run(() =>
      this.redis.eval(
        APPEND,
        3 + sessionKeys.length,
        keys.items,
        keys.order,
        keys.sessions,
        ...sessionKeys,
        now.getTime(),
        MAX_INTERACTIONS,
        INTERACTION_TTL_MS,
        SESSION_TTL_MS,
        interactions.length,
        ...args,
      ),
    );
    return Number(kept);
  }

  async list(owner: MemoryOwner, now: Date): Promise<StoredInteraction[]> {
    const keys = keysOf(owner);
    const rows = (await this.run(() => this.redis.eval(LIST, 2, keys.items, keys.order, cutoffScore(now)))) as Array<string | null>;
    return parseKept(rows, now);
  }

  async get(owner: MemoryOwner, id: string, now: Date): Promise<StoredInteraction | null> {
    const json = (await this.run(() => this.redis.hget(keysOf(owner).items, id))) as string | null;
    const interaction = json ? (JSON.parse(json) as StoredInteraction) : null;
    return interaction && isKept(interaction, now) ? interaction : null;
  }

  async replace(owner: MemoryOwner, interaction: StoredInteraction, now: Date): Promise<boolean> {
    const keys = keysOf(owner);
    const replaced = await this.run(() => this.redis.eval(REPLACE, 2, keys.items, keys.order, interaction.id, JSON.stringify(interaction), cutoffScore(now)));
    return Number(replaced) === 1;
  }

  async remove(owner: MemoryOwner, id: string, now: Date): Promise<boolean> {
    const keys = keysOf(owner);
    const removed = await this.run(() => this.redis.eval(REMOVE, 2, keys.items, keys.order, id, cutoffScore(now)));
    return Number(removed) === 1;
  }

  async session(owner: MemoryOwner, sessionId: string, now: Date): Promise<StoredSession | null> {
    const keys = keysOf(owner);
    const reply = (await this.run(() =>
      this.redis.eval(SESSION, 3, keys.session(sessionId), keys.sessionOrder(sessionId), keys.items),
    )) as Array<string | null> | null;
    if (!reply || reply.length < 2) return null;
    const [startedAt, lastActivity, ...rows] = reply;
    if (Number(lastActivity) + SESSION_TTL_MS <= now.getTime()) return null;
    return { id: sessionId, startedAt: iso(startedAt!), lastActivity: iso(lastActivity!), interactions: parseKept(rows, now) };
  }

  async putContext(owner: MemoryOwner, summary: string, now: Date): Promise<StoredContext> {
    const version = await this.run(() => this.redis.eval(PUT_CONTEXT, 1, keysOf(owner).context, summary, now.getTime(), CONTEXT_TTL_MS));
    return { summary, createdAt: now.toISOString(), version: Number(version) };
  }

  async context(owner: MemoryOwner, now: Date): Promise<StoredContext | null> {
    const stored = (await this.run(() => this.redis.hgetall(keysOf(owner).context))) as Record<string, string>;
    if (!stored.summary || Number(stored.created_at) + CONTEXT_TTL_MS <= now.getTime()) return null;
    return { summary: stored.summary, createdAt: iso(stored.created_at!), version: Number(stored.version) };
  }

  async clear(owner: MemoryOwner, now: Date): Promise<ClearedMemory> {
    const keys = keysOf(owner);
    const [sessionIds, interactions, context] = (await this.run(() =>
      this.redis.multi().smembers(keys.sessions).zcount(keys.order, cutoffScore(now), '+inf').exists(keys.context).exec(),
    ))!.map(([error, value]) => {
      if (error) throw new FlowMemoryUnavailableError(error);
      return value;
    }) as [string[], number, number];
    const sessionKeys = sessionIds.flatMap((id) => [keys.session(id), keys.sessionOrder(id)]);
    await this.run(() => this.redis.del(keys.items, keys.order, keys.sessions, keys.context, ...sessionKeys));
    return { interactions: Number(interactions), sessions: sessionIds.length, context: Number(context) };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new FlowMemoryUnavailableError(error);
    }
  }
}

const b64 = (value: string) => Buffer.from(value, 'utf8').toString('base64url');

function keysOf(owner: MemoryOwner) {
  const base = `flow-memory:{${b64(owner.orgId)}.${b64(owner.userId)}}`;
  return {
    items: `${base}:items`,
    order: `${base}:order`,
    sessions: `${base}:sessions`,
    context: `${base}:context`,
    session: (id: string) => `${base}:session:${b64(id)}`,
    sessionOrder: (id: string) => `${base}:session:${b64(id)}:order`,
  };
}

/** Scores below this are interactions stored INTERACTION_TTL_MS or more before `now` (no longer kept). */
const cutoffScore = (now: Date) => (now.getTime() - INTERACTION_TTL_MS + 1) * 1000;
const iso = (ms: string) => new Date(Number(ms)).toISOString();

function parseKept(rows: ReadonlyArray<string | null>, now: Date): StoredInteraction[] {
  return rows.flatMap((json) => {
    if (!json) return [];
    const interaction = JSON.parse(json) as StoredInteraction;
    return isKept(interaction, now) ? [interaction] : [];
  });
}

// KEYS: items, order, sessions, then (session, session order) per session; ARGV: now, max, item TTL, session TTL,
// n, then per interaction: id, json, session index (0: none), session id.
const APPEND = `
local now, max, itemTtl, sessionTtl, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local cutoff = (now - itemTtl + 1) * 1000
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. cutoff)
for _, id in ipairs(expired) do redis.call('HDEL', KEYS[1], id) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. cutoff)
local top = redis.call('ZREVRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local seq = now * 1000
if top[2] and tonumber(top[2]) >= seq then seq = tonumber(top[2]) + 1 end
local fresh = {}
for i = 1, n do
  local at = 6 + (i - 1) * 4
  local id, json, s, sid = ARGV[at], ARGV[at + 1], tonumber(ARGV[at + 2]), ARGV[at + 3]
  local score = seq + i - 1
  redis.call('HSET', KEYS[1], id, json)
  redis.call('ZADD', KEYS[2], score, id)
  if s > 0 then
    local meta, order = KEYS[2 + 2 * s], KEYS[3 + 2 * s]
    if not fresh[s] then
      local last = redis.call('HGET', meta, 'last_activity')
      if last and tonumber(last) + sessionTtl <= now then redis.call('DEL', meta, order) end
      fresh[s] = true
    end
    redis.call('HSETNX', meta, 'started_at', now)
    redis.call('HSET', meta, 'last_activity', now)
    redis.call('ZADD', order, score, id)
    redis.call('SADD', KEYS[3], sid)
    redis.call('PEXPIRE', meta, sessionTtl)
    redis.call('PEXPIRE', order, sessionTtl)
  end
end
local count = redis.call('ZCARD', KEYS[2])
if count > max then
  local dropped = redis.call('ZRANGE', KEYS[2], 0, count - max - 1)
  for _, id in ipairs(dropped) do redis.call('HDEL', KEYS[1], id) end
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, count - max - 1)
  count = max
end
redis.call('PEXPIRE', KEYS[1], itemTtl)
redis.call('PEXPIRE', KEYS[2], itemTtl)
redis.call('PEXPIRE', KEYS[3], itemTtl)
return count`;

// KEYS: items, order; ARGV: cutoff score. The kept interactions' JSON, oldest first.
const LIST = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[1], '+inf')
if #ids == 0 then return {} end
return redis.call('HMGET', KEYS[1], unpack(ids))`;

// KEYS: items, order; ARGV: id, json, cutoff score. 1 when the interaction was kept and is replaced.
const REPLACE = `
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
if not score or tonumber(score) < tonumber(ARGV[3]) or redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

// KEYS: items, order; ARGV: id, cutoff score. 1 when a kept interaction was removed.
const REMOVE = `
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
if not score or tonumber(score) < tonumber(ARGV[2]) then return 0 end
return removed`;

// KEYS: session, session order, items. started_at, last_activity, then the JSON of its interactions still stored.
const SESSION = `
local started, last = redis.call('HGET', KEYS[1], 'started_at'), redis.call('HGET', KEYS[1], 'last_activity')
if not started then return nil end
local ids = redis.call('ZRANGE', KEYS[2], 0, -1)
local reply = { started, last }
if #ids > 0 then
  local rows = redis.call('HMGET', KEYS[3], unpack(ids))
  for i = 1, #ids do reply[#reply + 1] = rows[i] or '' end
end
return reply`;

// KEYS: context; ARGV: summary, now, TTL. The new version (1 again after an expired one).
const PUT_CONTEXT = `
local created = redis.call('HGET', KEYS[1], 'created_at')
local version = 1
if created and tonumber(created) + tonumber(ARGV[3]) > tonumber(ARGV[2]) then version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0') + 1 end
redis.call('HSET', KEYS[1], 'summary', ARGV[1], 'created_at', ARGV[2], 'version', version)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return version`;
