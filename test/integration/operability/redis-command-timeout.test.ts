import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { createRedisClient } from '../../../src/platform/redis/redis-client.js';
import { redisReady, serviceSettings } from '../../testkit/services.js';

const { redisUrl } = serviceSettings();
const logger = createLogger('silent');
const TIMEOUT_MS = 200;

/** Keeps this thread busy for `ms`, as a long garbage collection or a starved CPU would. */
const stall = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until);
};

describe.skipIf(!redisUrl)('Redis command timeout (real Redis)', () => {
  const redis = redisUrl ? createRedisClient(redisUrl, { keyPrefix: `test:${randomBytes(4).toString('hex')}:`, logger, commandTimeoutMs: TIMEOUT_MS }) : undefined;
  beforeAll(async () => {
    await redisReady(redis!);
  });
  afterAll(() => redis?.disconnect());

  it('when the process stalls longer than the timeout while replies arrive, then the commands in flight still get them', async () => {
    await redis!.set('stalled', 'value');
    const replies = Array.from({ length: 5 }, () => redis!.get('stalled'));
    // Let the commands go out (auto-pipelined on the next tick), then stall past their timeout.
    await new Promise((resolve) => setImmediate(resolve));
    stall(TIMEOUT_MS * 3);
    expect(await Promise.allSettled(replies)).toEqual(Array.from({ length: 5 }, () => ({ status: 'fulfilled', value: 'value' })));
  });

  it('when Redis answers later than the timeout, then the command fails with "Command timed out" and the client goes on', async () => {
    await redis!.set('after-timeout', 'still here');
    // BLPOP on an empty list holds its reply for 1 s on the server: past the timeout, however loaded the machine.
    const error = await redis!.blpop(`empty-${randomBytes(3).toString('hex')}`, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('Command timed out');
    // The late reply still arrives on the connection (once the server's 1 s is up); the commands after it get their own.
    await expect.poll(() => redis!.get('after-timeout').catch(() => 'timed out'), { timeout: 10_000 }).toBe('still here');
  });
});
