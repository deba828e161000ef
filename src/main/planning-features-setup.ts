import type { Config } from '../config/config.js';
import { InProcessFlowMemoryStore } from '../modules/flow-memory/in-process-flow-memory.store.js';
import type { FlowMemoryStore } from '../modules/flow-memory/flow-memory.store.js';
import { RedisFlowMemoryStore } from '../modules/flow-memory/redis-flow-memory.store.js';
import type { Logger } from '../platform/logging/logger.js';
import { createRedisClient } from '../platform/redis/redis-client.js';

/**
 * Flow Memory's store for the subgraph role: Redis when `REDIS_URL` is set (its own client, keys under
 * `REDIS_KEY_PREFIX`, failing fast so that memory answers 503 while planning goes on), else the in-process store
 * (one process; announced in the log). The subgraph closes it when it stops.
 */
export function flowMemoryStoreFor(config: Config, logger: Logger): { store: FlowMemoryStore } {
  if (!config.redisUrl) {
    logger.warn('REDIS_URL is not set: Flow Memory is kept in this process only (development)');
    return { store: new InProcessFlowMemoryStore() };
  }
  return { store: new RedisFlowMemoryStore(createRedisClient(config.redisUrl, { keyPrefix: config.redisKeyPrefix, logger })) };
}
