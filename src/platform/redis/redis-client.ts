import { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.js';

/**
 * A Redis client that fails fast instead of queueing: with Redis down, a command errors within `commandTimeoutMs`
 * (callers turn that into 503), and the client keeps reconnecting in the background, so service resumes without a
 * restart.
 */
export function createRedisClient(url: string, options: { keyPrefix: string; logger: Logger; commandTimeoutMs?: number }): Redis {
  const client = new Redis(url, {
    keyPrefix: options.keyPrefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 500,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    // Commands issued in the same tick (concurrent requests' revocation checks and budgets) go out in one write.
    enableAutoPipelining: true,
  });
  let healthy = true;
  client.on('error', (err: Error) => {
    if (healthy) options.logger.warn({ err: err.message }, 'Redis unavailable; requests needing it answer 503 until it is back');
    healthy = false;
  });
  client.on('ready', () => {
    if (!healthy) options.logger.info('Redis is back');
    healthy = true;
  });
  return client;
}
