/**
 * Which PostgreSQL the tests use. With `DATABASE_URL` set (CI sets it), every test file creates its own database
 * on that server and drops it afterwards. Without it, each file runs on an in-memory embedded PGlite, so
 * `npm test` passes on a fresh machine. With `REQUIRE_SERVICES=1` a missing or unreachable server fails the run
 * instead of falling back. `RABBITMQ_URL` likewise chooses RabbitMQ (per-file exchanges and queues) or the
 * in-process bus.
 */
export const serviceSettings = () => ({
  databaseUrl: process.env.DATABASE_URL?.trim() || undefined,
  rabbitmqUrl: process.env.RABBITMQ_URL?.trim() || undefined,
  redisUrl: process.env.REDIS_URL?.trim() || undefined,
  requireServices: process.env.REQUIRE_SERVICES === '1' || process.env.REQUIRE_SERVICES === 'true',
});

/** Resolves with `client` once it is connected; rejects with its first error (an unreachable Redis fails the test). */
export async function redisReady<T extends { status: string; once(event: string, listener: (...args: any[]) => void): T }>(client: T): Promise<T> {
  if (client.status !== 'ready') await new Promise((resolve, reject) => client.once('ready', resolve).once('error', reject));
  return client;
}
