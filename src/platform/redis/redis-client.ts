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
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    // Commands issued in the same tick (concurrent requests' revocation checks and budgets) go out in one write.
    enableAutoPipelining: true,
  });
  timeOutCommandsAfterPendingReplies(client, options.commandTimeoutMs ?? 500);
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

/**
 * Fails every command of `client` that has no reply `ms` after it was sent, as ioredis's own `commandTimeout` does,
 * except for replies that have already arrived. ioredis's timer runs in the event loop's timers phase, which after a
 * stall longer than the timeout (a long garbage collection, CPU starvation, a cold module load) comes before the poll
 * phase that reads the replies received meanwhile: every command in flight then failed although Redis had answered
 * in time, and the gateway, failing closed, answered 503 to all their requests. Here the expired timer gives the
 * poll phase one turn (`setImmediate` runs after it) before it fails the command.
 *
 * It is set on this client object only: a client made by `duplicate()` (none is) would have no command timeout.
 */
function timeOutCommandsAfterPendingReplies(client: Redis, ms: number): void {
  const send = client.sendCommand.bind(client);
  const armed = new WeakSet<object>();
  client.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
    const [command] = args;
    if (!armed.has(command)) {
      armed.add(command);
      const timer = setTimeout(() => {
        setImmediate(() => {
          if (!command.isSettled) command.reject(new Error('Command timed out'));
        });
      }, ms);
      const clear = () => clearTimeout(timer);
      command.promise.then(clear, clear);
    }
    return send(...args);
  }) as Redis['sendCommand'];
}
