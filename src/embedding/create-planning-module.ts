import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildASTSchema, type GraphQLSchema, parse } from 'graphql';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { MODULE_CONFIG } from '../components/module-config.js';
import { PACKAGE_VERSION } from '../components/generated/package-version.js';
import { InboundEventProcessor } from '../consumers/inbound-event-processor.js';
import { Authenticator } from '../gateway/auth/authenticator.js';
import { InProcessRevocationStore, RedisRevocationStore } from '../gateway/auth/revocation-store.js';
import { RequestLimits } from '../gateway/limits/request-limits.js';
import { REST_BASE_PATH, restRouteTemplates } from '../gateway/rest/rest-shim.js';
import { dependencyReadiness } from '../main/readiness-checks.js';
import { CursorCodec } from '../modules/common/cursor.js';
import { openDatabase, type Database } from '../platform/db/database.js';
import { sendJson } from '../platform/http/graphql-http.js';
import { HandlersInFlight } from '../platform/http/drain-http-server.js';
import { type ReadinessCheck, runReadiness } from '../platform/http/readiness.js';
import { TokenVerifier } from '../platform/identity/token-verifier.js';
import { observeRequest } from '../platform/logging/request-log.js';
import { AmqpEventBus } from '../platform/messaging/amqp-event-bus.js';
import { CONSUMED_EVENT_TYPES, DEFAULT_TOPOLOGY, type EventBus, type IncomingMessage as BusMessage } from '../platform/messaging/event-bus.js';
import { InProcessEventBus } from '../platform/messaging/in-process-event-bus.js';
import { EventMetrics } from '../platform/metrics/event-metrics.js';
import { OutboxRelay } from '../platform/outbox/outbox-relay.js';
import { createRedisClient } from '../platform/redis/redis-client.js';
import { planningMetrics } from '../subgraph/planning-metrics.js';
import { PLANNING_SDL_URL } from '../subgraph/planning-schema.js';
import { correlationHeaders } from '../subgraph/planning-server.js';
import { EmbeddedPlanningGraphQL } from './embedded-graphql.js';
import { embeddedRestHandler, isUnderBasePath } from './embedded-rest.js';
import { expressMiddleware, fastifyPlugin } from './framework-adapters.js';
import { type CallerFinder, hostCallerFinder, type HostRequests, tokenCallerFinder } from './host-caller.js';
import { HostEventBus } from './host-event-bus.js';
import { resolveOptions, type ResolvedOptions } from './module-options.js';
import { PlanningModuleError } from './planning-module-error.js';
import type { InboundPlanningEvent, NodeHandler, PlanningEventOutcome, PlanningHealth, PlanningModule, PlanningModuleOptions } from './planning-module.types.js';

/** What `startup()` opened, and what serves with it. */
interface Running {
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

const CONSUMED: readonly string[] = CONSUMED_EVENT_TYPES;

/**
 * The planning module for a host platform: its REST API for `/api/planning` (plain Node, Express, Fastify), its
 * GraphQL subgraph, its event handling, health and metrics, over the host's PostgreSQL, Redis and event bus.
 * Nothing is opened until {@link PlanningModule.startup}.
 *
 * @throws {PlanningModuleError} `INVALID_OPTIONS`, naming every bad option.
 *
 * @example
 * const planning = createPlanningModule({
 *   platformMode: true,
 *   caller: (req) => sessions.callerOf(req), // the host's verified user: { userId, orgId, roles }
 *   eventPublisher: { publish: (event) => bus.publish(event.type, event) },
 *   database: process.env.DATABASE_URL,
 *   redis: process.env.REDIS_URL,
 * });
 * await planning.startup();
 * http.createServer((req, res) => (req.url?.startsWith('/api/planning') ? planning.handler(req, res) : host(req, res)));
 */
export function createPlanningModule(options: PlanningModuleOptions = {}): PlanningModule {
  const settings = resolveOptions(options);
  const { logger } = settings;
  const metrics = new Registry();
  metrics.setDefaultLabels({ module: MODULE_CONFIG.name });
  const eventMetrics = new EventMetrics(metrics, CONSUMED_EVENT_TYPES);
  const hostRequests: HostRequests = new WeakMap();
  const inFlight = new HandlersInFlight();
  let running: Running | undefined;
  let starting: Promise<void> | undefined;
  let stopped = false;

  const requireRunning = (): Running => {
    if (running) return running;
    throw new PlanningModuleError(stopped ? 'ALREADY_STOPPED' : 'NOT_STARTED', stopped ? 'The planning module was shut down' : 'The planning module is not started: await planning.startup() first');
  };

  /** One request: logged and timed, tracked for shutdown; 503 before startup and after shutdown. */
  const serving = (kind: 'rest' | 'graphql'): NodeHandler => async (req, res) => {
    res.setHeader('x-content-type-options', 'nosniff');
    const current = running;
    if (!current) {
      res.setHeader('retry-after', '5');
      const message = 'The planning module is not running';
      return sendJson(res, 503, kind === 'rest' ? { detail: message } : { errors: [{ message, extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
    }
    const work = (async () => {
      observeRequest(logger, 'planning', req, res, { requestId: correlationHeaders(req.headers)['x-request-id'] });
      if (kind === 'graphql') {
        current.track(req, res, '/graphql');
        return current.graphql.serveHttp(req, res, current.findCaller);
      }
      const { pathname } = new URL(req.url ?? '/', 'http://localhost');
      current.track(req, res, isUnderBasePath(req.url) ? pathname : `${REST_BASE_PATH}${pathname}`);
      return current.rest(req, res);
    })().catch((error: unknown) => {
      logger.error({ err: error }, 'planning module: request failed');
      if (!res.headersSent) sendJson(res, 500, { detail: 'Internal server error' });
      else res.end();
    });
    inFlight.track(work);
    await work;
  };

  const handler = serving('rest');
  const graphqlHandler = serving('graphql');

  return {
    name: MODULE_CONFIG.name,
    config: MODULE_CONFIG,
    basePath: REST_BASE_PATH,
    consumes: CONSUMED,
    metrics,
    handler,
    graphqlHandler,
    typeDefs: readFileSync(PLANNING_SDL_URL, 'utf8'),
    express: (chosen = handler) => expressMiddleware(chosen),
    fastify: (chosen = handler) => fastifyPlugin(chosen, hostRequests),

    startup() {
      if (stopped) return Promise.reject(new PlanningModuleError('ALREADY_STOPPED', 'The planning module was shut down; create a new one'));
      starting ??= start(settings, metrics, hostRequests, eventMetrics).then((started) => void (running = started));
      return starting;
    },

    async shutdown({ timeoutMs = 10_000 } = {}) {
      if (stopped) return;
      stopped = true;
      await starting?.catch(() => {});
      const current = running;
      running = undefined;
      if (!current) return;
      // Requests and events begun before the shutdown finish against the open database.
      await inFlight.settled(Date.now() + timeoutMs);
      await stopRunning(current);
      logger.info('planning module stopped');
    },

    async handleEvent(event: InboundPlanningEvent | string | Uint8Array): Promise<PlanningEventOutcome> {
      const current = requireRunning();
      const message = busMessageOf(event);
      if ('outcome' in message) return message.outcome;
      const work = current.processor.process(message);
      inFlight.track(work);
      const outcome = await work;
      eventMetrics.settled(message, outcome);
      if (outcome.kind === 'ack') return { status: 'processed' };
      return { status: outcome.kind === 'dead-letter' ? 'rejected' : 'retry', reason: outcome.reason };
    },

    async healthCheck(): Promise<PlanningHealth> {
      const started = performance.now();
      const current = running;
      if (!current) return { status: 'down', latencyMs: 0, checks: {}, error: stopped ? 'shut down' : 'not started', version: PACKAGE_VERSION };
      const report = await runReadiness(current.readiness);
      const latencyMs = Math.round(performance.now() - started);
      const error = report.failing && Object.entries(report.failing).map(([name, reason]) => `${name}: ${reason}`).join('; ');
      return { status: report.status === 'ready' ? 'ok' : 'down', latencyMs, checks: report.checks, ...(error ? { error } : {}), version: PACKAGE_VERSION };
    },
  };
}

/**
 * An inbound event as the consumer's delivery (routing key = its type), or the outcome it gets without one: a type
 * this module does not consume is ignored, a body that is not JSON is rejected.
 */
function busMessageOf(event: InboundPlanningEvent | string | Uint8Array): BusMessage | { outcome: PlanningEventOutcome } {
  let parsed: unknown = event;
  let body: Buffer;
  try {
    if (typeof event === 'string' || event instanceof Uint8Array) {
      body = Buffer.from(event);
      parsed = JSON.parse(body.toString('utf8'));
    } else {
      body = Buffer.from(JSON.stringify(event));
    }
  } catch (error) {
    return { outcome: { status: 'rejected', reason: `malformed JSON: ${(error as Error).message}` } };
  }
  const { type, id } = (parsed ?? {}) as { type?: unknown; id?: unknown };
  if (typeof type === 'string' && !CONSUMED.includes(type)) return { outcome: { status: 'ignored', reason: `planning does not consume ${type} events` } };
  return { routingKey: typeof type === 'string' ? type : '', body, messageId: typeof id === 'string' ? id : undefined, headers: {}, redeliveries: 0 };
}

/** Opens everything in order; whatever was opened is closed again when a later step fails. */
async function start(settings: ResolvedOptions, metrics: Registry, hostRequests: HostRequests, eventMetrics: EventMetrics): Promise<Running> {
  const { logger } = settings;
  const database = await openDatabase({
    databaseUrl: settings.database.url,
    poolMax: settings.database.poolMax,
    dataDir: settings.database.dataDir,
    logger,
    timeouts: { statementMs: settings.database.statementTimeoutMs, acquireMs: settings.database.acquireTimeoutMs },
  });
  const opened: Partial<Running> & { database: Database } = { database, ownsRedis: false };
  try {
    if (settings.redis && 'client' in settings.redis) opened.redis = settings.redis.client;
    else if (settings.redis) Object.assign(opened, { redis: createRedisClient(settings.redis.url, { keyPrefix: settings.redis.keyPrefix, logger }), ownsRedis: true });
    const { redis } = opened;

    const instruments = planningMetrics(metrics, database.orm, restRouteTemplates());
    const graphql = new EmbeddedPlanningGraphQL(database.orm, settings.cursorSecret, instruments, logger, settings.production);
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
      readiness: dependencyReadiness({ database, redis, bus }),
    };
  } catch (error) {
    await stopRunning(opened).catch((stopError: unknown) => logger.error({ err: stopError }, 'planning module: could not close after a failed start'));
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

/** The host's publisher, else RabbitMQ, else the in-process bus (announced: events then stay in this process). */
function eventBusOf(settings: ResolvedOptions): EventBus {
  if (settings.eventPublisher) return new HostEventBus(settings.eventPublisher);
  if (settings.rabbitmq) return new AmqpEventBus(settings.rabbitmq.url, settings.rabbitmq.topology, settings.logger);
  settings.logger.warn('planning module: no eventPublisher and no rabbitmq: its events go to an in-process bus and leave this process nowhere');
  return new InProcessEventBus(DEFAULT_TOPOLOGY, settings.logger);
}

/** Stops consuming, lets the relay finish its batch, then closes the bus, GraphQL, Redis (when the module opened it) and the database. */
async function stopRunning(opened: Partial<Running> & { database: Database }): Promise<void> {
  await opened.bus?.stopConsuming();
  await opened.relay?.stop();
  await opened.bus?.close();
  await opened.graphql?.stop();
  if (opened.ownsRedis) opened.redis?.disconnect();
  await opened.database.close();
}
