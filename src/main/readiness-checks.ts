import type { Redis } from 'ioredis';
import { subgraphReadiness } from '../gateway/module-health.js';
import type { Database } from '../platform/db/database.js';
import { postgresReadiness } from '../platform/db/postgres-readiness.js';
import type { ReadinessCheck } from '../platform/http/readiness.js';
import type { EventBus } from '../platform/messaging/event-bus.js';

/**
 * The readiness checks of the dependencies a role holds, one place for every role: PostgreSQL always, Redis when
 * the role has a client (`REDIS_URL` set), RabbitMQ when the process consumes and publishes through it (the
 * in-process stand-ins cannot fail and are not checked), and for the gateway each subgraph it routes to (named
 * `subgraph:<name>`, its `/health` asked at most every few seconds: see {@link subgraphReadiness}).
 */
export function dependencyReadiness(deps: {
  database: Database;
  redis?: Redis;
  bus?: EventBus;
  /** Routing URLs by subgraph name. */
  subgraphs?: Record<string, string>;
}): ReadinessCheck[] {
  const checks = [postgresReadiness(deps.database.orm)];
  const { redis, bus, subgraphs } = deps;
  if (redis) checks.push({ name: 'redis', check: async () => void (await redis.ping()) });
  if (bus?.kind === 'rabbitmq') {
    checks.push({
      name: 'rabbitmq',
      check: async () => {
        if (!bus.isConnected()) throw new Error('not connected to the broker');
      },
    });
  }
  if (subgraphs) checks.push(...subgraphReadiness(subgraphs));
  return checks;
}
