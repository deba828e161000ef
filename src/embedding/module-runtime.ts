import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildASTSchema, type GraphQLSchema, parse } from 'graphql';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { InboundEventProcessor } from '../consumers/inbound-event-processor.js';
import { Authenticator } from '../gateway/auth/authenticator.js';
import { InProcessRevocationStore, RedisRevocationStore } from '../gateway/auth/revocation-store.js';
import { RequestLimits } from '../gateway/limits/request-limits.js';
import { restRouteTemplates } from '../gateway/rest/rest-shim.js';
import { CursorCodec } from '../modules/common/cursor.js';
import { openDatabase, type Database } from '../platform/db/database.js';
import { postgresReadiness } from '../platform/db/postgres-readiness.js';
import type { ReadinessCheck } from '../platform/http/readiness.js';
import { TokenVerifier } from '../platform/identity/token-verifier.js';
import { AmqpEventBus } from '../platform/messaging/amqp-event-bus.js';
import { DEFAULT_TOPOLOGY, type EventBus } from '../platform/messaging/event-bus.js';
import { InProcessEventBus } from '../platform/messaging/in-process-event-bus.js';
import type { EventMetrics } from '../platform/metrics/event-metrics.js';
import { OutboxRelay } from '../platform/outbox/outbox-relay.js';
import { createRedisClient } from '../platform/redis/redis-client.js';
import { InProcessFlowMemoryStore } from '../modules/flow-memory/in-process-flow-memory.store.js';
import { RedisFlowMemoryStore } from '../modules/flow-memory/redis-flow-memory.store.js';
import { PLANNING_ENTITIES } from '../modules/planning-entities.js';
import { featureDepsFor } from '../subgraph/planning-features.js';
import { planningMetrics } from '../subgraph/planning-metrics.js';
import { PLANNING_SDL_URL } from '../subgraph/planning-schema.js';
import { EmbeddedPlanningGraphQL } from './embedded-graphql.js';
import { embeddedRestHandler } from './embedded-rest.js';
import { type CallerFinder, hostCallerFinder, type HostRequests, tokenCallerFinder } from './host-caller.js';
import { HostEventBus } from './host-event-bus.js';
import type { ResolvedOptions } from './module-options.js';
import type { NodeHandler } from './planning-module.types.js';

/** What `startup()` opened, and what serves with it. */
export interface ModuleRuntime {
  database: Database;
  redis: Redis | undefined;
  ownsRedis: boolean;
  bus: EventBus;
  relay: OutboxRelay;
  processor: InboundEventProcessor;
  graphql: EmbeddedPlanningGraphQL;
  rest: NodeHandler;
  findCaller: CallerFinder;
  track: (req: IncomingMessage, res: ServerResponse, pathname: string) => void;
  readiness: ReadinessCheck[];
}

/** Opens everything in order; whatever was opened is closed again when a later step fails. */
export async function startModuleRuntime(settings: ResolvedOptions, metrics: Registry, hostRequests: HostRequests, eventMetrics: EventMetrics): Promise<ModuleRuntime> {
  const { logger } = settings;
  const database = await openDatabase({ entities: PLANNING_ENTITIES,
    databaseUrl: settings.database.url,
    poolMax: settings.database.poolMax,
    dataDir: settings.database.dataDir,
    logger,
    timeouts: { statementMs: settings.database.statementTimeoutMs, acquireMs: settings.database.acquireTimeoutMs },
  });
  const opened: Partial<ModuleRuntime> & { database: Database } = { database, ownsRedis: false };
  try {
    if (settings.redis && 'client' in settings.redis) opened.redis = settings.redis.client;
    else if (settings.redis) Object.assign(opened, { redis: createRedisClient(settings.redis.url, { keyPrefix: settings.redis.keyPrefix, logger }), ownsRedis: true });
    const { redis } = opened;

    const instruments = planningMetrics(metrics, database.orm, restRouteTemplates());
    // Flow Memory on the module's Redis (a connection of its own, closed with the module), else in this process.
    const features = featureDepsFor({ flowMemoryStore: redis ? new RedisFlowMemoryStore(redis.duplicate()) : new InProcessFlowMemoryStore() }, logger);
    const graphql = new EmbeddedPlanningGraphQL(database.orm, settings.cursorSecret, instruments, logger, settings.production, features);
    await graphql.start();
    opened.graphql = graphql;

    const findCaller = settings.platformMode
      ? hostCallerFinder(settings.caller!, hostRequests, logger)
      : tokenCallerFinder(
          new Authenticator(
            new TokenVerifier({
              issuer: settings.auth.issuer,
              audience: settings.auth.audience,
              clockToleranceSeconds: settings.auth.clockToleranceSeconds,
              localJwks: settings.auth.jwks ?? { keys: [] },
              trustedJwksUrls: settings.auth.jwksUrls,
              maxTokenAgeSeconds: settings.auth.maxTokenAgeSeconds,
            }),
            redis ? new RedisRevocationStore(redis) : new InProcessRevocationStore(),
            { verifiedTokenTtlMs: 60_000, clockToleranceSeconds: settings.auth.clockToleranceSeconds },
          ),
        );
    const { userPerMinute, ipPerMinute } = settings.rateLimits;
    const limits = userPerMinute > 0 || ipPerMinute > 0 ? new RequestLimits({ perUser: userPerMinute, perIp: ipPerMinute, redis }) : undefined;
    const rest = embeddedRestHandler({ graphql, findCaller, limits, schema: costSchemaOf(readFileSync(PLANNING_SDL_URL, 'utf8')), logger });

    const bus = eventBusOf(settings);
    opened.bus = bus;
    const relay = new OutboxRelay({
      orm: database.orm,
      bus,
      logger,
      batchSize: settings.outbox.batchSize,
      pollIntervalMs: settings.outbox.pollMs,
      retentionHours: settings.outbox.retentionHours,
      listenUrl: database.mode === 'postgres' ? settings.database.url : undefined,
    });
    // A commit in this process wakes the relay at once; other processes' commits arrive through LISTEN/NOTIFY.
    database.orm.em.getEventManager().registerSubscriber({ afterTransactionCommit: () => relay.wake() });
    await relay.start();
    opened.relay = relay;

    const processor = new InboundEventProcessor({
      orm: database.orm,
      codec: new CursorCodec(settings.cursorSecret),
      logger,
      onTaskActivity: instruments.onTaskActivity,
      maxGroupSize: settings.events.groupMax,
      lanes: settings.events.groupLanes,
    });
    // On RabbitMQ the module consumes its own queue; with the host's bus, the host calls handleEvent.
    if (bus.kind === 'rabbitmq') await bus.consume(processor.process, { prefetch: settings.events.prefetch, onSettled: eventMetrics.settled });

    logger.info(
      { database: database.mode, redis: redis ? 'redis' : 'in-process', events: bus instanceof HostEventBus ? 'host' : bus.kind, mode: settings.platformMode ? 'platform' : 'standalone' },
      'planning module started',
    );
    return {
      database,
      redis,
      ownsRedis: opened.ownsRedis ?? false,
      bus,
      relay,
      processor,
      graphql,
      rest,
      findCaller,
      track: instruments.track,
      readiness: readinessOf(database, redis, bus),
    };
  } catch (error) {
    await stopModuleRuntime(opened).catch((stopError: unknown) => logger.error({ err: stopError }, 'planning module: could not close after a failed start'));
    throw error;
  }
}

/**
 * The planning SDL as a schema of this package's own graphql-js (Apollo's CommonJS build, which built the executable
 * schema, may load another copy), for the costs of the REST routes' operations. Federation's directives are not
 * declared in it; nothing here needs them.
 */
function costSchemaOf(sdl: string): GraphQLSchema {
  return buildASTSchema(parse(sdl), { assumeValidSDL: true });
}

/**
 * What `healthCheck()` checks: PostgreSQL, Redis when the module has it, RabbitMQ when it uses it (the host's bus
 * and the in-process one have nothing of their own to be down), as the roles' readiness does.
 */
function readinessOf(database: Database, redis: Redis | undefined, bus: EventBus): ReadinessCheck[] {
  const checks = [postgresReadiness(database.orm)];
  if (redis) checks.push({ name: 'redis', check: async () => void (await redis.ping()) });
  if (bus.kind === 'rabbitmq') {
    checks.push({
      name: 'rabbitmq',
      check: async () => {
        if (!bus.isConnected()) throw new Error('not connected to the broker');
      },
    });
  }
  return checks;
}

/** The host's publisher, else RabbitMQ, else the in-process bus (announced: events then stay in this process). */
function eventBusOf(settings: ResolvedOptions): EventBus {
  if (settings.eventPublisher) return new HostEventBus(settings.eventPublisher);
  if (settings.rabbitmq) return new AmqpEventBus(settings.rabbitmq.url, settings.rabbitmq.topology, settings.logger);
  settings.logger.warn('planning module: no eventPublisher and no rabbitmq: its events go to an in-process bus and leave this process nowhere');
  return new InProcessEventBus(DEFAULT_TOPOLOGY, settings.logger);
}

/** Stops consuming, lets the relay finish its batch, then closes the bus, GraphQL, Redis (when the module opened it) and the database. */
export async function stopModuleRuntime(opened: Partial<ModuleRuntime> & { database: Database }): Promise<void> {
  await opened.bus?.stopConsuming();
  await opened.relay?.stop();
  await opened.bus?.close();
  await opened.graphql?.stop();
  if (opened.ownsRedis) opened.redis?.disconnect();
  await opened.database.close();
}
