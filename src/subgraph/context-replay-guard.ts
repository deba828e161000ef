import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { Kind, parse } from 'graphql';

/**
 * Remembers the ids (`jti`) of gateway-signed contexts used for a mutation until they expire, so that a captured
 * context cannot run its mutation a second time. On Redis every replica sees every use; in process (one replica, or
 * development) only its own.
 */
export interface ContextReplayGuard {
  /** True the first time `jti` is seen within `ttlSeconds`; false when it was used before. */
  firstUse(jti: string, ttlSeconds: number): Promise<boolean>;
}

export class RedisContextReplayGuard implements ContextReplayGuard {
  constructor(private readonly redis: Redis) {}

  async firstUse(jti: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(`context-used:${jti}`, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
  }
}

export class InProcessContextReplayGuard implements ContextReplayGuard {
  private readonly used = new LRUCache<string, true>({ max: 100_000, ttl: 1 });

  async firstUse(jti: string, ttlSeconds: number): Promise<boolean> {
    if (this.used.has(jti)) return false;
    this.used.set(jti, true, { ttl: ttlSeconds * 1000 });
    return true;
  }
}

/** Whether a fetch document (the gateway sends one operation) holds a mutation; the answer is remembered per text. */
const mutationDocuments = new LRUCache<string, boolean>({ max: 2000 });
export function holdsMutation(query: string | undefined): boolean {
  if (!query || !query.includes('mutation')) return false;
  let known = mutationDocuments.get(query);
  if (known === undefined) {
    try {
      known = parse(query).definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION && d.operation === 'mutation');
    } catch {
      // Not parseable: Apollo refuses it before any resolver runs.
      known = false;
    }
    mutationDocuments.set(query, known);
  }
  return known;
}
