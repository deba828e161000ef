import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { MikroORM } from '@mikro-orm/postgresql';
import { CursorCodec } from '../modules/common/cursor.js';
import { ProjectService } from '../modules/projects/project.service.js';
import { TaskService } from '../modules/tasks/task.service.js';
import { TaskCreationQueue } from '../modules/tasks/use-cases/task-creation-queue.js';
import { createErrorFormatter } from '../platform/errors/graphql-errors.js';
import { serviceUnavailableStatusPlugin } from '../platform/errors/service-unavailable.js';
import { requestIdFrom } from '../platform/http/request-id.js';
import { parseTraceparent } from '../platform/telemetry/trace-context.js';
import { executeGraphQLOverHttp, sendJson, graphqlParamsOf } from '../platform/http/graphql-http.js';
import { readinessRoute, type ReadinessCheck } from '../platform/http/readiness.js';
import { drainHttpServer, HandlersInFlight } from '../platform/http/drain-http-server.js';
import { postgresReadiness } from '../platform/db/postgres-readiness.js';
import type { Logger } from '../platform/logging/logger.js';
import { observeRequest, operationNameOf } from '../platform/logging/request-log.js';
import { boundedLogText } from '../platform/logging/bounded-text.js';
import type { Registry } from 'prom-client';
import { planningMetrics } from './planning-metrics.js';
import { coalescedBumps, PLANNING_DATA_VERSIONS_HEADER, type PlanningDataVersions } from '../platform/cache/planning-data-cache.js';
import { type CallerRequest, type CallerResolver } from './caller-from-request.js';
import type { PlanningContext } from './planning-context.js';
import { createPlanningLoaders } from './planning-loaders.js';
import { AnswerSizeLimit, answerTooLargePlugin } from './answer-size.js';
import { buildPlanningSchema } from './planning-schema.js';
import { type PlanningFeatures, featureDepsFor } from './planning-features.js';

export interface PlanningSubgraphOptions {
  orm: MikroORM;
  callers: CallerResolver;
  cursorSecret: string;
  logger: Logger;
  isProduction: boolean;
  port: number;
  host: string;
  /** Extra routes (e.g. the development event injector), by exact path. */
  extraRoutes?: Record<string, (req: IncomingMessage, res: ServerResponse) => void>;
  /** Where the subgraph's metrics go, served at `/metrics`; no metrics when unset. */
  metrics?: Registry;
  /** What `/ready` checks (each bounded by a short timeout); defaults to the database alone. */
  readiness?: ReadinessCheck[];
  /** How long `stop()` lets in-flight requests finish before closing their connections (default 10 s). */
  shutdownTimeoutMs?: number;
  /**
   * Where committed changes are announced for the gateway's answer cache; named on every GraphQL answer so the
   * gateway caches only when it reads the same store. No announcements (and no caching of this subgraph) when unset.
   */
  dataVersions?: PlanningDataVersions;
  /** Shadow AI and Flow Memory: their stores, cache and clock (in-process memory, no report cache when unset). */
  features?: PlanningFeatures;
  /** How long a create may wait for the creates written before it (`DATABASE_ACQUIRE_TIMEOUT_MS`); no bound when unset. */
  createWaitMs?: number;
}

export interface RunningPlanningSubgraph {
  url: string;
  /** The Apollo server, for `executeOperation` in tests. */
  apollo: ApolloServer<PlanningContext>;
  /** Builds the context a request would get. */
  contextFor(request: CallerRequest): Promise<PlanningContext>;
  /** Drains within `shutdownTimeoutMs`, or until `deadline` (epoch ms) when that comes first. */
  stop(deadline?: number): Promise<void>;
}

/** Starts the planning subgraph: GraphQL at `/graphql`, liveness at `/health`, readiness at `/ready`. */
export async function startPlanningSubgraph(options: PlanningSubgraphOptions): Promise<RunningPlanningSubgraph> {
  const { orm, callers, logger } = options;
  const codec = new CursorCodec(options.cursorSecret);
  const metrics = options.metrics ? planningMetrics(options.metrics, orm, Object.keys(options.extraRoutes ?? {})) : undefined;

  const { dataVersions } = options;
  const bump = dataVersions && coalescedBumps(dataVersions);
  const announceChanges = bump
    ? async (orgIds: string[]) => {
        try {
          await bump(orgIds);
        } catch (error) {
          // The change is committed either way; cached answers of these orgs expire with their TTL.
          logger.error({ err: error, orgIds }, 'planning subgraph: could not announce a change to the answer cache');
        }
      }
    : undefined;

  const features = featureDepsFor(options.features, logger);
  // The API's concurrent creates, committed in groups (see TaskCreationQueue).
  const taskCreations = new TaskCreationQueue(orm, codec, { maxWaitMs: options.createWaitMs });
  const contextFor = async (request: CallerRequest): Promise<PlanningContext> => {
    const caller = await callers.resolve(request);
    const em = orm.em.fork();
    const serviceOptions = { eventHeaders: correlationHeaders(request.headers), onTaskActivity: metrics?.onTaskActivity, onDataChanged: announceChanges, taskCreations };
    return {
      caller,
      tasks: new TaskService(em, codec, serviceOptions),
      projects: new ProjectService(em, codec, serviceOptions),
      loaders: createPlanningLoaders(em, caller.orgId, codec),
      answerSize: new AnswerSizeLimit(),
      ...features.forRequest(em, caller, serviceOptions),
    };
  };

  const ready = readinessRoute(options.readiness ?? [postgresReadiness(orm)]);
  // GraphQL requests still running at shutdown, also those whose client has gone: stop() lets them finish.
  const handlers = new HandlersInFlight();
  const httpServer = createServer((req, res) => {
    // No answer of this server is to be sniffed into another type than it declares.
    res.setHeader('x-content-type-options', 'nosniff');
    const { fields: logFields } = observeRequest(logger, 'planning', req, res, { requestId: correlationHeaders(req.headers)['x-request-id'] });
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    metrics?.track(req, res, pathname);
    if (pathname === '/metrics' && metrics) return void metrics.serve(req, res);
    // Liveness, and how many GraphQL requests are running (what a shutdown waits for; no database involved).
    if (pathname === '/health') return sendJson(res, 200, { status: 'ok', requestsInFlight: handlers.size });
    const extra = options.extraRoutes?.[pathname];
    if (extra) return extra(req, res);
    if (pathname === '/ready') return void ready(req, res);
    if (pathname !== '/graphql') return sendJson(res, 404, { detail: 'Not Found' });
    if (dataVersions) res.setHeader(PLANNING_DATA_VERSIONS_HEADER, dataVersions.fingerprint);
    const requestContext = async (body: unknown) => {
      logFields.operationName = boundedLogText(operationNameOf(body, req.url));
      const context = await contextFor({ headers: req.headers, ...graphqlParamsOf(body, req.url) });
      Object.assign(logFields, { userId: context.caller.userId, orgId: context.caller.orgId });
      return context;
    };
    handlers.track(
      executeGraphQLOverHttp(apollo, req, res, requestContext).catch((error: unknown) => {
        logger.error({ err: error }, 'planning subgraph: request failed');
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error' }] });
        else res.end();
      }),
    );
  });

  const apollo = new ApolloServer<PlanningContext>({
    schema: buildPlanningSchema(),
    formatError: createErrorFormatter(logger, options.isProduction),
    includeStacktraceInErrorResponses: !options.isProduction,
    introspection: !options.isProduction,
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: options.shutdownTimeoutMs }), ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), serviceUnavailableStatusPlugin(), answerTooLargePlugin(), ...(metrics ? [metrics.plugin] : [])],
  });
  await apollo.start();
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}/graphql`,
    apollo,
    contextFor,
    async stop(deadline?: number) {
      const { unfinished } = await drainHttpServer(httpServer, options.shutdownTimeoutMs ?? 10_000, { handlers, deadline });
      if (unfinished > 0) logger.warn({ unfinished }, 'planning subgraph: requests still running at the shutdown timeout are cut off');
      await apollo.stop();
      await features.close();
    },
  };
}


/**
 * The request's correlation headers, carried into the events it causes: `x-request-id` (the gateway's, or a new
 * one) and a W3C `traceparent` when a well-formed one came in.
 */
export function correlationHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  // Memoized per request, so the request's log line and its events name the same (possibly generated) id.
  const known = correlationByHeaders.get(headers);
  if (known) return known;
  const { traceparent } = headers;
  const correlation = {
    'x-request-id': requestIdFrom(headers['x-request-id']),
    ...(typeof traceparent === 'string' && parseTraceparent(traceparent) ? { traceparent } : {}),
  };
  correlationByHeaders.set(headers, correlation);
  return correlation;
}

const correlationByHeaders = new WeakMap<IncomingMessage['headers'], Record<string, string>>();
