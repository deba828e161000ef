import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { MODULE_CONFIG } from '../components/module-config.js';
import { PACKAGE_VERSION } from '../components/generated/package-version.js';
import { REST_BASE_PATH } from '../gateway/rest/rest-shim.js';
import { sendJson } from '../platform/http/graphql-http.js';
import { HandlersInFlight } from '../platform/http/drain-http-server.js';
import { runReadiness } from '../platform/http/readiness.js';
import { observeRequest } from '../platform/logging/request-log.js';
import { CONSUMED_EVENT_TYPES } from '../platform/messaging/event-bus.js';
import { EventMetrics } from '../platform/metrics/event-metrics.js';
import { PLANNING_SDL_URL } from '../subgraph/planning-schema.js';
import { correlationHeaders } from '../subgraph/planning-server.js';
import { isUnderBasePath } from './embedded-rest.js';
import { expressMiddleware, fastifyPlugin } from './framework-adapters.js';
import type { HostRequests } from './host-caller.js';
import { busMessageOf } from './inbound-event-message.js';
import { type ModuleRuntime, startModuleRuntime, stopModuleRuntime } from './module-runtime.js';
import { resolveOptions } from './module-options.js';
import { PlanningModuleError } from './planning-module-error.js';
import type { HostRequest, InboundPlanningEvent, NodeHandler, PlanningEventOutcome, PlanningHealth, PlanningModule, PlanningModuleOptions } from './planning-module.types.js';

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
export function createPlanningModule<Request = HostRequest>(options: PlanningModuleOptions<Request> = {}): PlanningModule {
  // The request is whatever the host's framework hands over; the module only passes it to `caller`.
  const settings = resolveOptions(options as PlanningModuleOptions);
  const { logger } = settings;
  const metrics = new Registry();
  metrics.setDefaultLabels({ module: MODULE_CONFIG.name });
  const eventMetrics = new EventMetrics(metrics, CONSUMED_EVENT_TYPES);
  const hostRequests: HostRequests = new WeakMap();
  const inFlight = new HandlersInFlight();
  let running: ModuleRuntime | undefined;
  let starting: Promise<void> | undefined;
  let stopped = false;

  const requireRunning = (): ModuleRuntime => {
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
    consumes: CONSUMED_EVENT_TYPES,
    metrics,
    handler,
    graphqlHandler,
    typeDefs: readFileSync(PLANNING_SDL_URL, 'utf8'),
    express: (chosen = handler) => expressMiddleware(chosen),
    fastify: (chosen = handler) => fastifyPlugin(chosen, hostRequests),

    startup() {
      if (stopped) return Promise.reject(new PlanningModuleError('ALREADY_STOPPED', 'The planning module was shut down; create a new one'));
      // A failed start leaves nothing open, and the next startup() tries again (the database may be up by then).
      starting ??= startModuleRuntime(settings, metrics, hostRequests, eventMetrics).then(
        (started) => void (running = started),
        (error: unknown) => {
          starting = undefined;
          throw error;
        },
      );
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
      await stopModuleRuntime(current);
      logger.info('planning module stopped');
    },

    async handleEvent(event: InboundPlanningEvent | string | Uint8Array): Promise<PlanningEventOutcome> {
      const current = requireRunning();
      const message = busMessageOf(event, CONSUMED_EVENT_TYPES);
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
