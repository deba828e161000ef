import { LRUCache } from 'lru-cache';
import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Writers' side of the gateway's answer cache: every process that changes planning data (the subgraph's
 * mutations, the worker's inbound events) replaces the org's version token once the change has committed, before
 * it answers or acknowledges. Cached answers carry the token they were read under, so an answer read before a
 * change can only be served to requests that also started before that change was acknowledged.
 */
export interface PlanningDataVersions {
  /** Which store this is; the subgraph names it on its answers (see {@link PLANNING_DATA_VERSIONS_HEADER}). */
  readonly fingerprint: string;
  /** Marks the orgs' planning data as changed. */
  bump(orgIds: readonly string[]): Promise<void>;
}

/**
 * `bump` for many callers at once: the orgs asked for until the event loop's next turn go out as one bump (the
 * creates of one group commit all finish in the same turn, each asking for its org), and every caller's promise
 * settles with it, so each still returns only after a bump issued after its own commit.
 */
export function coalescedBumps(versions: PlanningDataVersions): (orgIds: readonly string[]) => Promise<void> {
  let pending: { orgIds: Set<string>; done: Promise<void> } | undefined;
  return (orgIds) => {
    if (!pending) {
      const batch: { orgIds: Set<string>; done: Promise<void> } = { orgIds: new Set(), done: Promise.resolve() };
      batch.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        pending = undefined;
        return versions.bump([...batch.orgIds]);
      });
      pending = batch;
    }
    for (const orgId of orgIds) pending.orgIds.add(orgId);
    return pending.done;
  };
}

/** Gateway's side: answers of one subgraph fetch, stored under the org's version token at the time of reading. */
export interface SubgraphAnswerStore {
  readonly fingerprint: string;
  /** The org's current version token and, when one is stored under that very token, the answer for `key`. */
  lookup(orgId: string, key: string): Promise<{ version: string | undefined; answer: string | undefined }>;
  /** Stores `answer` under `version` (the token read before the subgraph was asked) for `ttlSeconds`. */
  store(orgId: string, key: string, version: string, answer: string, ttlSeconds: number): Promise<void>;
}

export type PlanningDataCache = PlanningDataVersions & SubgraphAnswerStore;

/**
 * `hit`: answered from the cache; `shared`: answered with the answer of an identical fetch already on its way to the
 * subgraph under the same data version; `miss`: asked the subgraph; `error`: the cache could not be read.
 */
export type CacheOutcome = 'hit' | 'shared' | 'miss' | 'error';

/**
 * The subgraph's answer header naming the version store its writes bump. The gateway caches an answer only when
 * the header names its own store: a subgraph that does not bump (or bumps elsewhere) is never cached.
 */
export const PLANNING_DATA_VERSIONS_HEADER = 'x-planning-data-versions';

/** Tokens are random, never counters: a version key lost (evicted, flushed) and made again never matches old answers. */
const newToken = () => randomUUID();

/** Redis: shared by every replica. Keys of one org share a hash slot (`{org}`), so one MGET reads version and answer. */
export class RedisPlanningDataCache implements PlanningDataCache {
  readonly fingerprint: string;

  constructor(
    private readonly redis: Redis,
    /** Identifies the Redis server and key prefix (two processes agree only when both are the same). */
    identity: string,
  ) {
    this.fingerprint = `redis:${createHash('sha256').update(identity).digest('base64url').slice(0, 22)}`;
  }

  private versionKey(orgId: string) {
    return `planning-cache:{${orgId}}:version`;
  }

  private answerKey(orgId: string, key: string) {
    return `planning-cache:{${orgId}}:answer:${key}`;
  }

  async bump(orgIds: readonly string[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const orgId of new Set(orgIds)) pipeline.set(this.versionKey(orgId), newToken());
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }

  async lookup(orgId: string, key: string) {
    const [version, stored] = await this.redis.mget(this.versionKey(orgId), this.answerKey(orgId, key));
    if (version === null) {
      // First read of this org (or its version was lost): start one; nothing stored can match it.
      await this.redis.set(this.versionKey(orgId), newToken(), 'NX');
      return { version: undefined, answer: undefined };
    }
    return { version, answer: answerUnder(version, stored ?? undefined) };
  }

  async store(orgId: string, key: string, version: string, answer: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.answerKey(orgId, key), `${version}\n${answer}`, 'EX', ttlSeconds);
  }
}

/** One process (development, `npm start`): the roles running in it share this object. */
export class InProcessPlanningDataCache implements PlanningDataCache {
  readonly fingerprint = `process:${randomUUID()}`;
  /** An org whose version is forgotten gets a new one at its next read: its stored answers are never served again. */
  private readonly versions = new LRUCache<string, string>({ max: 100_000 });
  private readonly answers: LRUCache<string, string>;

  constructor(maxAnswers = 10_000, now: () => number = Date.now) {
    this.answers = new LRUCache({ max: maxAnswers, ttl: 60_000, perf: { now } });
  }

  async bump(orgIds: readonly string[]): Promise<void> {
    for (const orgId of orgIds) this.versions.set(orgId, newToken());
  }

  async lookup(orgId: string, key: string) {
    const version = this.versions.get(orgId);
    if (version === undefined) {
      this.versions.set(orgId, newToken());
      return { version: undefined, answer: undefined };
    }
    return { version, answer: answerUnder(version, this.answers.get(`${orgId}\n${key}`)) };
  }

  async store(orgId: string, key: string, version: string, answer: string, ttlSeconds: number): Promise<void> {
    this.answers.set(`${orgId}\n${key}`, `${version}\n${answer}`, { ttl: ttlSeconds * 1000 });
  }
}

/** The answer part of a stored `version\nanswer`, when it was stored under `version`. */
function answerUnder(version: string, stored: string | undefined): string | undefined {
  if (stored === undefined) return undefined;
  const newline = stored.indexOf('\n');
  return newline > 0 && stored.slice(0, newline) === version ? stored.slice(newline + 1) : undefined;
}

/** What identifies a Redis store across processes: server address, database and key prefix (never the password). */
export function redisStoreIdentity(url: string, keyPrefix: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '6379'}/${parsed.pathname.replace('/', '') || '0'}|${keyPrefix}`;
}
