import { LRUCache } from 'lru-cache';
import type { Redis } from 'ioredis';
import { AuthUnavailableError } from '../../platform/identity/auth-errors.js';

/** The denylist of revoked token ids (`jti`), each kept until its token would have expired anyway. */
export interface RevocationStore {
  readonly kind: 'redis' | 'in-process';
  isRevoked(jti: string): Promise<boolean>;
  revoke(jti: string, ttlSeconds: number): Promise<void>;
  /** Throws when the store cannot be reached (readiness). */
  ping(): Promise<void>;
}

/** The Redis key (under the client's prefix) that marks the token `jti` as revoked. */
export const revokedKey = (jti: string) => `revoked:${jti}`;

/** Redis-backed: shared by every gateway replica. Unreachable or slow Redis -> {@link AuthUnavailableError}. */
export class RedisRevocationStore implements RevocationStore {
  readonly kind = 'redis' as const;
  constructor(readonly redis: Redis) {}

  async isRevoked(jti: string): Promise<boolean> {
    try {
      return (await this.redis.exists(revokedKey(jti))) === 1;
    } catch (error) {
      throw new AuthUnavailableError(`revocation store unavailable: ${(error as Error).message}`);
    }
  }

  async revoke(jti: string, ttlSeconds: number): Promise<void> {
    try {
      await this.redis.set(revokedKey(jti), '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)));
    } catch (error) {
      throw new AuthUnavailableError(`revocation store unavailable: ${(error as Error).message}`);
    }
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }
}

/**
 * Single process only (no `REDIS_URL`): each revocation kept until it expires, never evicted before (a cache that
 * forgot a revocation would let the token in again).
 */
export class InProcessRevocationStore implements RevocationStore {
  readonly kind = 'in-process' as const;
  private readonly revoked: LRUCache<string, true>;

  constructor(now: () => number = Date.now) {
    this.revoked = new LRUCache({ ttl: 1000, ttlAutopurge: true, perf: { now } });
  }

  async isRevoked(jti: string): Promise<boolean> {
    return this.revoked.has(jti);
  }

  async revoke(jti: string, ttlSeconds: number): Promise<void> {
    this.revoked.set(jti, true, { ttl: Math.max(1, ttlSeconds) * 1000 });
  }

  async ping(): Promise<void> {}
}
