import type { Config } from '../config/config.js';
import {
  InProcessPlanningDataCache,
  type PlanningDataCache,
  RedisPlanningDataCache,
  redisStoreIdentity,
} from '../platform/cache/planning-data-cache.js';
import type { Logger } from '../platform/logging/logger.js';
import { createRedisClient } from '../platform/redis/redis-client.js';

/**
 * The store of planning data versions and cached answers of this process: Redis when `REDIS_URL` is set (shared by
 * every replica and role), else one in-process store that the roles of this process share. A gateway reading one
 * store never caches a subgraph announcing its changes to another (their fingerprints differ).
 */
export function planningDataCacheFor(config: Config, logger: Logger): { cache: PlanningDataCache; close(): void } {
  if (!config.redisUrl) return { cache: new InProcessPlanningDataCache(), close: () => {} };
  const redis = createRedisClient(config.redisUrl, { keyPrefix: config.redisKeyPrefix, logger });
  return { cache: new RedisPlanningDataCache(redis, redisStoreIdentity(config.redisUrl, config.redisKeyPrefix)), close: () => redis.disconnect() };
}
