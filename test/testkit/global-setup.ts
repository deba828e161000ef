import amqplib from 'amqplib';
import pg from 'pg';
import { serviceSettings } from './services.js';

/** Fails the whole run early when real services are required but missing (CI must not silently skip them). */
export default async function globalSetup(): Promise<void> {
  const { databaseUrl, rabbitmqUrl, redisUrl, requireServices } = serviceSettings();
  if (!redisUrl) {
    if (requireServices) throw new Error('REQUIRE_SERVICES=1 but REDIS_URL is not set: the real Redis is required');
    console.warn('[tests] REDIS_URL is not set: running the gateway suites on the in-process stores');
  } else {
    const { Redis } = await import('ioredis');
    const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000 });
    try {
      await client.connect();
      await client.ping();
    } catch (error) {
      throw new Error(`Redis at REDIS_URL is unreachable: ${(error as Error).message}`);
    } finally {
      client.disconnect();
    }
  }
  if (!rabbitmqUrl) {
    if (requireServices) throw new Error('REQUIRE_SERVICES=1 but RABBITMQ_URL is not set: the real RabbitMQ is required');
    console.warn('[tests] RABBITMQ_URL is not set: running the event suites on the in-process bus');
  } else {
    try {
      const connection = await amqplib.connect(rabbitmqUrl);
      await connection.close();
    } catch (error) {
      throw new Error(`RabbitMQ at RABBITMQ_URL is unreachable: ${(error as Error).message}`);
    }
  }
  if (!databaseUrl) {
    if (requireServices) throw new Error('REQUIRE_SERVICES=1 but DATABASE_URL is not set: the real PostgreSQL is required');
    console.warn('[tests] DATABASE_URL is not set: running the database suites on the embedded PGlite');
    return;
  }
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(`PostgreSQL at DATABASE_URL is unreachable: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}
