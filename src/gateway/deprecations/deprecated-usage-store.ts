import type { Redis } from 'ioredis';
import type { Logger } from '../../platform/logging/logger.js';

/** The Redis hash (under the gateway's REDIS_KEY_PREFIX) holding the counts of every gateway replica. */
export const DEPRECATED_USAGE_KEY = 'contracts:deprecated-usage';

/** A count's key in the store: the member's coordinate and the client label, separated by a space (neither holds one). */
export function usageKeyOf(coordinate: string, client: string): string {
  return `${coordinate} ${client}`;
}

/** The coordinate and client of a key written by {@link usageKeyOf}. */
export function parseUsageKey(key: string): { coordinate: string; client: string } {
  const space = key.lastIndexOf(' ');
  return space < 0 ? { coordinate: key, client: 'unknown' } : { coordinate: key.slice(0, space), client: key.slice(space + 1) };
}

/** Where the gateways add up their counts of deprecated members used, so that one reader sees every replica's. */
export interface DeprecatedUsageStore {
  add(counts: ReadonlyMap<string, number>): Promise<void>;
  totals(): Promise<Map<string, number>>;
}

/** The counts in one Redis hash: HINCRBY per key, in one pipeline per flush. */
export class RedisDeprecatedUsageStore implements DeprecatedUsageStore {
  constructor(private readonly redis: Redis) {}

  async add(counts: ReadonlyMap<string, number>): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const [key, count] of counts) pipeline.hincrby(DEPRECATED_USAGE_KEY, key, count);
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
  }

  async totals(): Promise<Map<string, number>> {
    const hash = await this.redis.hgetall(DEPRECATED_USAGE_KEY);
    return new Map(Object.entries(hash).map(([key, value]) => [key, Number(value)]));
  }
}

/** This process's counts only (development without Redis). */
export class InProcessDeprecatedUsageStore implements DeprecatedUsageStore {
  private readonly counts = new Map<string, number>();

  async add(counts: ReadonlyMap<string, number>): Promise<void> {
    for (const [key, count] of counts) this.counts.set(key, (this.counts.get(key) ?? 0) + count);
  }

  async totals(): Promise<Map<string, number>> {
    return new Map(this.counts);
  }
}

/** How often a gateway adds its counts to the store. */
export const DEFAULT_USAGE_FLUSH_MS = 10_000;

/**
 * Counts in memory on the request path (a Map increment) and adds them to the store every `flushIntervalMs` and on
 * {@link close}; a flush that fails keeps its counts for the next one.
 */
export class DeprecatedUsageRecorder {
  /** By coordinate, then client (no key string is built on the request path). */
  private pending = new Map<string, Map<string, number>>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    readonly store: DeprecatedUsageStore,
    private readonly options: { flushIntervalMs?: number; logger?: Logger } = {},
  ) {}

  record(coordinate: string, client: string): void {
    this.add(coordinate, client, 1);
    this.timer ??= setInterval(() => void this.flush(), this.options.flushIntervalMs ?? DEFAULT_USAGE_FLUSH_MS).unref();
  }

  private add(coordinate: string, client: string, count: number): void {
    let byClient = this.pending.get(coordinate);
    if (!byClient) this.pending.set(coordinate, (byClient = new Map()));
    byClient.set(client, (byClient.get(client) ?? 0) + count);
  }

  /** Adds the counts so far to the store. */
  async flush(): Promise<void> {
    await this.flushing;
    if (this.pending.size === 0) return;
    const batch = new Map<string, number>();
    for (const [coordinate, byClient] of this.pending) for (const [client, count] of byClient) batch.set(usageKeyOf(coordinate, client), count);
    this.pending = new Map();
    this.flushing = this.store.add(batch).catch((err: unknown) => {
      for (const [key, count] of batch) {
        const { coordinate, client } = parseUsageKey(key);
        this.add(coordinate, client, count);
      }
      this.options.logger?.warn({ err }, 'gateway: deprecated-usage counts not stored yet (kept for the next flush)');
    });
    await this.flushing;
    this.flushing = undefined;
  }

  /** Stops the timer and flushes what is left. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
