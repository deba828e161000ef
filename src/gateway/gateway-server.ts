import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { Kind, parse, type DocumentNode, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';
import { isDatabaseUnavailable, SERVICE_UNAVAILABLE, serviceUnavailableError, serviceUnavailableStatusPlugin } from '../platform/errors/service-unavailable.js';
import { requestIdFrom } from '../platform/http/request-id.js';
import { HttpError, readBody, respondWithGraphQL, sendJson, graphqlParamsOf } from '../platform/http/graphql-http.js';
import { readinessRoute, type ReadinessCheck } from '../platform/http/readiness.js';
import { drainHttpServer, HandlersInFlight } from '../platform/http/drain-http-server.js';
import type { KeyRing } from '../platform/identity/signing-keys.js';
import type { Logger } from '../platform/logging/logger.js';
import type { Registry } from 'prom-client';
import { GatewayMetrics } from '../platform/metrics/gateway-metrics.js';
import { routeTemplates } from '../platform/metrics/route-template.js';
import { observeRequest, operationNameOf, requestLogFields } from '../platform/logging/request-log.js';
import { requestTraceOf } from '../platform/telemetry/request-trace.js';
import { loginRequestSchema, InvalidCredentialsError, type LoginService, TooManyAttemptsError } from './auth/login.service.js';
import { Authenticator } from './auth/authenticator.js';
import type { RevocationStore } from './auth/revocation-store.js';
import type { GatewayContext } from './gateway-context.js';
import { graphqlHardening } from './graphql-hardening.js';
import { checkModules, subgraphRoutingUrls } from './module-health.js';
import { graphiqlRoutes } from './ide/graphiql-ide.js';
import { answerAuthFailure, type AnswerStyle, sendAuthUnavailable } from './http-answers.js';
import { documentSizeCost, MAX_OPERATION_COST, operationCost } from './limits/operation-cost.js';
import { PersistedDocuments } from './persisted-documents.js';
import { apiSchemaOf } from '../platform/federation/api-schema.js';
import { withoutSuggestions } from '../platform/errors/suggestions.js';
import { LRUCache } from 'lru-cache';
import { JSON_PROBLEM_MESSAGES, tooDeepPath } from '../platform/json/json-problems.js';
import type { RequestLimits } from './limits/request-limits.js';
import { ContextForwardingDataSource } from './subgraph-data-source.js';
import { createSubgraphFetcher } from './subgraph-fetcher.js';
import { createApolloGateway } from './single-fetch-passthrough.js';
import type { SubgraphAnswerStore } from '../platform/cache/planning-data-cache.js';
import type { TokenVerifier } from '../platform/identity/token-verifier.js';
import { AuthenticationError } from '../platform/identity/auth-errors.js';
import type { AccessClaims } from '../platform/identity/token-verifier.js';
import { boundedLogText } from '../platform/logging/bounded-text.js';

/** Default of {@link GatewayOptions.requestTimeoutMs}. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** GraphQL request bodies above this are refused with 413. */
export const GATEWAY_MAX_BODY_BYTES = 256 * 1024;

export interface GatewayOptions {
  supergraphSdl: string;
  /** Routing URLs overriding the supergraph's, by subgraph name. */
  subgraphUrls?: Record<string, string>;
  keys: KeyRing;
  issuer: string;
  verifier: TokenVerifier;
  revocations: RevocationStore;
  limits: RequestLimits;
  login: LoginService;
  clockToleranceSeconds: number;
  /**
   * The answer cache for the planning subgraph's query fetches (see ContextForwardingDataSource.process); off when
   * unset. `store` must be the one the planning writers announce their changes to.
   */
  answerCache?: { store: SubgraphAnswerStore; ttlSeconds: number };
  /**
   * Answer an operation planned as one subgraph fetch with that subgraph's answer, without Apollo's re-execution
   * (see single-fetch-passthrough.ts). Default on.
   */
  singleFetchPassthrough?: boolean;
  /**
   * `/graphql` answers of at least this many bytes are compressed (br or gzip, as the client's Accept-Encoding
   * allows); 0 = never (the default here; the gateway role sets GATEWAY_COMPRESSION_MIN_BYTES, 1024).
   */
  compressionMinBytes?: number;
  /**
   * How long a client may take to send a whole request, headers and body (default 30 s; headers within 10 s); past
   * it the connection is answered 408 and closed. A request without a valid token is refused before its body is read.
   */
  requestTimeoutMs?: number;
  /**
   * How long a subgraph's answer is awaited (default 30 s): longer than a subgraph takes to fail a request on a
   * stalled database (DATABASE_STATEMENT_TIMEOUT_MS), so that the subgraph's own 503 arrives first.
   */
  subgraphTimeoutMs?: number;
  /** How long a token's verification result is reused (default 0: verify on every request). */
  verifiedTokenCacheSeconds?: number;
  logger: Logger;
  isProduction: boolean;
  port: number;
  host: string;
  /**
   * Extra routes (REST shim, docs, development tools), built with the gateway's own request pipeline. Keys are exact
   * paths, or prefixes ending in `/*`.
   */
  extraRoutes?: (pipeline: GatewayPipeline) => Record<string, RouteHandler>;
  /**
   * Where the gateway's metrics go, served at `/metrics`; `routeTemplates` names the parametrised paths under
   * prefix routes (e.g. `/api/planning/tasks/{id}`) so request durations are labelled by template. None when unset.
   */
  metrics?: {
    registry: Registry;
    routeTemplates?: string[];
    /**
     * Who may read `/metrics` on this public port: `open` (development), `off` (not served: 404), or only a scraper
     * sending `Authorization: Bearer <token>`.
     */
    access?: 'open' | 'off' | { token: string };
  };
  /** What `/ready` checks (each bounded by a short timeout); defaults to the revocation store. */
  readiness?: ReadinessCheck[];
  /** How long `stop()` lets in-flight requests finish before closing their connections (default 10 s). */
  shutdownTimeoutMs?: number;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** The gateway's request path, for other entry points (the REST shim) that must behave exactly like `/graphql`. */
export interface GatewayPipeline {
  /**
   * Authenticates the request, checks revocation and charges `cost` to the caller's budgets. Returns the context,
   * or undefined after answering the request itself (401, 429, 503); `style` picks the refusal's body shape.
   */
  admit(req: IncomingMessage, res: ServerResponse, cost: number | (() => number), style?: AnswerStyle, verified?: AccessClaims): Promise<GatewayContext | undefined>;
  /**
   * Verifies the request's token only (before its body is read); undefined after answering the request itself (429
   * for an address out of budget, 401, 503). Pass the claims on to {@link admit}.
   */
  authenticate(req: IncomingMessage, res: ServerResponse, style?: AnswerStyle): Promise<AccessClaims | undefined>;
  /** Runs one GraphQL operation through the gateway (validation, query plan, signed subgraph fetches). */
  execute(context: GatewayContext, request: { query: string; operationName?: string; variables?: Record<string, unknown> }): Promise<{ data?: any; errors?: readonly any[] }>;
  /** The rate-limit cost of a GraphQL document (see operation-cost.ts). */
  costOf(query: string, variables?: Record<string, unknown>): number;
}

export interface RunningGateway {
  url: string;
  origin: string;
  apollo: ApolloServer<GatewayContext>;
  /** Drains within `shutdownTimeoutMs`, or until `deadline` (epoch ms) when that comes first. */
  stop(deadline?: number): Promise<void>;
}

const requestIds = new WeakMap<IncomingMessage, string>();

/** The request id the client sent when it is sane, else a new one (the same one for every call on one request). */
export function requestIdOf(req: IncomingMessage): string {
  let requestId = requestIds.get(req);
  if (requestId === undefined) {
    requestId = requestIdFrom(req.headers['x-request-id']);
    requestIds.set(req, requestId);
  }
  return requestId;
}

/**
 * The platform gateway: Apollo Gateway over a static supergraph (no introspection polling), Ed25519 bearer
 * authentication with revocation, per-user and per-IP budgets counted by operation cost, GraphQL hardening, and a
 * signed caller context on every subgraph fetch. Also `/auth/login`, `/auth/logout`, `/.well-known/jwks.json`.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { logger, keys } = options;
  const authenticator = new Authenticator(options.verifier, options.revocations, {
    verifiedTokenTtlMs: (options.verifiedTokenCacheSeconds ?? 0) * 1000,
    clockToleranceSeconds: options.clockToleranceSeconds,
  });
  const subgraphFetcher = createSubgraphFetcher({ timeoutMs: options.subgraphTimeoutMs });
  const metrics = options.metrics && new GatewayMetrics(options.metrics.registry);
  const gateway = createApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) =>
      new ContextForwardingDataSource(
        { name, url: options.subgraphUrls?.[name] ?? url!, fetcher: subgraphFetcher.fetch },
        { key: keys.current, issuer: options.issuer },
        // Only the subgraph of this product announces its changes; other modules' answers are never cached.
        name === 'planning' && options.answerCache ? { ...options.answerCache, onLookup: metrics?.cacheLookup } : undefined,
      ),
  }, { singleFetchPassthrough: options.singleFetchPassthrough, onSingleFetch: metrics?.singleFetch });
  const hardening = graphqlHardening(options.isProduction);
  const apiSchema = apiSchemaOf(options.supergraphSdl);
  const persistedDocuments = new PersistedDocuments();
  const parsedDocuments = new LRUCache<string, { document: DocumentNode | null }>({ max: 1000 });
  const parseForCost = (query: string): DocumentNode | null => {
    let parsed = parsedDocuments.get(query);
    if (parsed === undefined) {
      try {
        parsed = { document: parse(query, { maxTokens: 5000 }) };
      } catch {
        parsed = { document: null };
      }
      parsedDocuments.set(query, parsed);
    }
    return parsed.document;
  };

  /**
   * The request's verified token, or undefined after answering it (429 for an address out of budget, 401, 503).
   * Runs before a request body is read, so a junk token is refused at once, whatever body follows.
   */
  const authenticate = async (req: IncomingMessage, res: ServerResponse, style: AnswerStyle = 'graphql'): Promise<AccessClaims | undefined> => {
    res.setHeader('x-request-id', requestIdOf(req));
    const ip = clientIp(req);
    // An address whose budget this process saw exhausted is refused before its token costs a signature check.
    const exhaustedFor = options.limits.exhaustedFor(ip);
    if (exhaustedFor > 0) {
      metrics?.rateLimited('ip');
      sendRateLimited(res, style, {
        budget: 'ip',
        retryAfterSeconds: exhaustedFor,
        headers: { 'retry-after': String(exhaustedFor), 'ratelimit-policy': options.limits.policyHeader, ratelimit: `"ip";r=0;t=${exhaustedFor}` },
      });
      return undefined;
    }
    try {
      return await authenticator.verify(req.headers.authorization);
    } catch (error) {
      metrics?.authFailed(error);
      if (error instanceof AuthenticationError) await options.limits.chargeFailedAuthentication(ip);
      if (answerAuthFailure(res, error, style)) return undefined;
      throw error;
    }
  };

  const admit = async (
    req: IncomingMessage,
    res: ServerResponse,
    cost: number | (() => number),
    style: AnswerStyle = 'graphql',
    verified?: AccessClaims,
  ): Promise<GatewayContext | undefined> => {
    const claims = verified ?? (await authenticate(req, res, style));
    if (!claims) return undefined;
    const requestId = requestIdOf(req);
    const ip = clientIp(req);
    const logFields = Object.assign(requestLogFields(req), { userId: claims.sub, orgId: claims.orgId });
    const units = typeof cost === 'function' ? cost() : cost;
    let decision;
    try {
      // Revocation and budgets in one step: a revoked token is refused before anything is charged to its budgets.
      decision = await options.limits.admit(claims.jti, options.revocations, { user: `${claims.orgId}:${claims.sub}`, ip }, units);
      if (decision.revoked) throw new AuthenticationError('revoked', 'Token has been revoked');
    } catch (error) {
      metrics?.authFailed(error);
      if (error instanceof AuthenticationError) await options.limits.chargeFailedAuthentication(ip);
      if (answerAuthFailure(res, error, style)) return undefined;
      throw error;
    }
    for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value);
    if (!decision.allowed) {
      metrics?.rateLimited(decision.budget);
      sendRateLimited(res, style, decision, units);
      return undefined;
    }
    return {
      caller: { userId: claims.sub, orgId: claims.orgId, roles: claims.roles },
      requestId,
      tokenId: claims.jti,
      tokenExpiresAt: claims.exp,
      trace: requestTraceOf(req).context,
      logFields,
    };
  };

  const costOf = (query: string, variables: Record<string, unknown> = {}, operationName?: string) => {
    const document = parseForCost(query);
    return Math.min(MAX_OPERATION_COST, (document ? operationCost(apiSchema, document, variables, operationName) : 1) + documentSizeCost(query));
  };

  const pipeline: GatewayPipeline = {
    authenticate,
    admit,
    costOf,
    async execute(context, request) {
      if (context.logFields && request.operationName) context.logFields.operationName = boundedLogText(request.operationName);
      const refusal = operationRefusal(parseForCost(request.query), request.operationName) ?? tooDeepVariables(request.variables ?? {});
      if (refusal) return { errors: [refusal] };
      const response = await apollo.executeOperation(request, { contextValue: context });
      if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported here');
      return response.body.singleResult;
    },
  };

  const handleGraphQL = async (req: IncomingMessage, res: ServerResponse) => {
    // The token first: a request without a valid one is answered before its body is read.
    const claims = await authenticate(req, res);
    if (!claims) return;
    let body: unknown;
    try {
      body = await readBody(req, GATEWAY_MAX_BODY_BYTES);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 400;
      return sendJson(res, status, { errors: [{ message: (error as Error).message, extensions: { code: 'BAD_REQUEST' } }] });
    }
    const params = graphqlParamsOf(body, req.url);
    // A persisted query sent by its hash alone costs what the document it stands for costs.
    const query = params.query ?? (params.persistedQueryHash ? persistedDocuments.documentOf(params.persistedQueryHash) : undefined);
    // Variables set page sizes (GET carries them as JSON in the URL), so the cost must see them.
    const variables = params.variables && typeof params.variables === 'object' && !Array.isArray(params.variables) ? (params.variables as Record<string, unknown>) : {};
    const operationName = operationNameOf(body, req.url);
    const document = query ? parseForCost(query) : null;
    requestLogFields(req).operationName = boundedLogText(operationName ?? singleOperationName(document));
    const context = await admit(req, res, () => (query ? costOf(query, variables, operationName) : 1), 'graphql', claims);
    if (!context) return;
    // Client mistakes Apollo's gateway would answer with 500: an operation the document does not hold, variables too deep.
    const refusal = operationRefusal(document, operationName) ?? tooDeepVariables(variables);
    if (refusal) return sendJson(res, 400, { errors: [refusal] });
    await respondWithGraphQL(apollo, req, res, body, async () => context, {}, { compressionMinBytes: options.compressionMinBytes ?? 0 });
  };

  const handleLogin = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return sendJson(res, 405, { detail: 'Use POST' });
    let body: unknown;
    try {
      body = await readBody(req, 16 * 1024);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 400;
      // Malformed JSON is a validation failure like any other: 422 in the shape every other validation answer has.
      if (status === 400) return sendJson(res, 422, { detail: [{ loc: ['body'], msg: (error as Error).message, type: 'json_invalid' }] });
      return sendJson(res, status, { detail: (error as Error).message });
    }
    const parsed = loginRequestSchema.safeParse(body);
    if (!parsed.success) {
      return sendJson(res, 422, {
        detail: parsed.error.issues.map((i) => ({ loc: ['body', ...i.path.map(String)], msg: i.message, type: i.code })),
      });
    }
    try {
      sendJson(res, 200, await options.login.login(parsed.data.email, parsed.data.password, clientIp(req)));
    } catch (error) {
      if (error instanceof InvalidCredentialsError) {
        metrics?.loginRefused();
        res.setHeader('www-authenticate', 'Bearer realm="ocelot"');
        return sendJson(res, 401, { detail: 'Invalid email or password' });
      }
      if (error instanceof TooManyAttemptsError) {
        res.setHeader('retry-after', String(error.retryAfterSeconds));
        return sendJson(res, 429, { detail: error.message });
      }
      metrics?.authFailed(error);
      if (answerAuthFailure(res, error, 'rest')) return;
      if (isDatabaseUnavailable(error)) {
        logger.warn({ err: (error as Error).message }, 'gateway: login could not reach the database');
        return sendAuthUnavailable(res, 'rest');
      }
      throw error;
    }
  };

  const handleLogout = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return sendJson(res, 405, { detail: 'Use POST' });
    try {
      const claims = await authenticator.authenticate(req.headers.authorization);
      const remaining = claims.exp - Math.floor(Date.now() / 1000);
      await options.revocations.revoke(claims.jti, remaining + options.clockToleranceSeconds);
      sendJson(res, 200, { success: true });
    } catch (error) {
      metrics?.authFailed(error);
      if (!answerAuthFailure(res, error)) throw error;
    }
  };

  const moduleUrls = subgraphRoutingUrls(options.supergraphSdl, options.subgraphUrls);
  const routes: Record<string, RouteHandler> = {
    '/graphql': handleGraphQL,
    // Development only: a browser opening /graphql gets the GraphiQL IDE (README, "GraphQL IDE").
    ...(options.isProduction ? {} : graphiqlRoutes(handleGraphQL)),
    '/auth/login': handleLogin,
    '/auth/logout': handleLogout,
    '/.well-known/jwks.json': (_req, res) => {
      res.setHeader('cache-control', 'public, max-age=300');
      sendJson(res, 200, keys.jwks);
    },
    // Liveness: the gateway answers "ok" whatever its modules do; each subgraph's own /health is reported beside it.
    '/health': async (_req, res) => {
      res.setHeader('cache-control', 'no-store');
      sendJson(res, 200, { status: 'ok', modules: await checkModules(moduleUrls, 1000) });
    },
    '/ready': readinessRoute(options.readiness ?? [{ name: 'redis', check: () => options.revocations.ping() }]),
    ...(metrics && options.metrics?.access !== 'off' ? { '/metrics': guardedMetrics(metrics.serve, options.metrics?.access ?? 'open') } : {}),
    ...options.extraRoutes?.(pipeline),
  };
  const prefixRoutes = Object.entries(routes)
    .filter(([path]) => path.endsWith('/*'))
    .map(([path, handler]) => [path.slice(0, -1), handler] as const);
  const routeFor = (pathname: string) =>
    routes[pathname] ?? prefixRoutes.find(([prefix]) => pathname.startsWith(prefix) || `${pathname}/` === prefix)?.[1];

  const templateOf = routeTemplates([...Object.keys(routes), ...(options.metrics?.routeTemplates ?? [])]);
  // Requests still running at shutdown, also those whose client has gone: stop() lets them finish.
  const handlers = new HandlersInFlight();
  // Request timeouts are checked every second (Node's default, 30 s, would let a slow sender stay that much longer).
  const httpServer = createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    // No answer of this server is to be sniffed into another type than it declares.
    res.setHeader('x-content-type-options', 'nosniff');
    observeRequest(logger, 'gateway', req, res, { requestId: requestIdOf(req) });
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const route = routeFor(pathname);
    metrics?.track(req, res, templateOf(pathname));
    if (!route) return sendJson(res, 404, { detail: 'Not Found' });
    handlers.track(
      Promise.resolve(route(req, res)).catch((error: unknown) => {
        logger.error({ err: error, path: pathname }, 'gateway: request failed');
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
        else res.end();
      }),
    );
  });

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !options.isProduction,
    includeStacktraceInErrorResponses: !options.isProduction,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    persistedQueries: { cache: persistedDocuments.cache },
    stopOnTerminationSignals: false,
    validationRules: hardening.validationRules,
    parseOptions: hardening.parseOptions,
    // Armor's types come from Apollo's CommonJS build; the plugins are the same objects.
    plugins: [...(hardening.plugins as unknown as ApolloServerPlugin<GatewayContext>[]), ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: options.shutdownTimeoutMs }), ApolloServerPluginInlineTraceDisabled(), serviceUnavailableStatusPlugin(), ...(metrics ? [metrics.graphqlPlugin] : [])],
    // A subgraph answering 503 (its database is down) becomes SERVICE_UNAVAILABLE here, without its response body.
    formatError: (formatted) => {
      if ((formatted.extensions?.response as { status?: number } | undefined)?.status === 503 || formatted.extensions?.code === SERVICE_UNAVAILABLE) return serviceUnavailableError(formatted);
      const answer = clientMistakeCode(formatted);
      // In production no message suggests schema names ("Did you mean the enum value ...?"), whoever wrote it.
      return options.isProduction ? withoutSuggestions(answer) : answer;
    },
  });
  await apollo.start();
  // A request (headers and body) must arrive within this, so a slow sender cannot hold a socket for minutes.
  httpServer.requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  httpServer.headersTimeout = Math.min(httpServer.requestTimeout, 10_000);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const origin = `http://${options.host}:${port}`;
  const stop = async (deadline?: number) => {
    const { unfinished } = await drainHttpServer(httpServer, options.shutdownTimeoutMs ?? 10_000, { handlers, deadline });
    if (unfinished > 0) logger.warn({ unfinished }, 'gateway: requests still running at the shutdown timeout are cut off');
    await apollo.stop();
    await subgraphFetcher.close();
  };
  return { url: `${origin}/graphql`, origin, apollo, stop };
}

/**
 * A BAD_USER_INPUT error naming the variable that nests past {@link MAX_JSON_DEPTH}, or undefined: refused at the
 * edge, before the gateway hashes the variables for the signed context (a recursive walk).
 */
function tooDeepVariables(variables: Record<string, unknown>) {
  const path = tooDeepPath(variables);
  if (!path) return undefined;
  const field = path.join('.');
  return { message: `variables.${field}: ${JSON_PROBLEM_MESSAGES.depth}`, extensions: { code: 'BAD_USER_INPUT', fields: [field], problems: [{ field, message: JSON_PROBLEM_MESSAGES.depth }] } };
}

/** 429 in the entry point's shape; a request costing more than the whole budget is told so (waiting cannot help). */
function sendRateLimited(
  res: ServerResponse,
  style: AnswerStyle,
  decision: { budget: 'user' | 'ip'; retryAfterSeconds: number; exceedsBudget?: boolean; headers: Record<string, string> },
  cost?: number,
): void {
  for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value);
  const detail = decision.exceedsBudget
    ? `This request costs ${cost} units, more than the whole ${decision.budget} budget per minute; ask for fewer rows or nested lists`
    : `Rate limit reached; retry after ${decision.retryAfterSeconds} s`;
  sendJson(
    res,
    429,
    style === 'rest'
      ? { detail }
      : {
          errors: [
            {
              message: decision.exceedsBudget ? detail : `Rate limit reached (${decision.budget}); retry after ${decision.retryAfterSeconds} s`,
              extensions: { code: 'RATE_LIMITED', budget: decision.budget, ...(cost !== undefined ? { cost } : {}) },
            },
          ],
          detail,
        },
  );
}

/** `/metrics` for a scraper holding the token only (constant-time comparison), when one is configured. */
function guardedMetrics(serve: RouteHandler, access: 'open' | { token: string }): RouteHandler {
  if (access === 'open') return serve;
  const expected = createHash('sha256').update(access.token).digest();
  return (req, res) => {
    const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!timingSafeEqual(createHash('sha256').update(given).digest(), expected)) {
      res.setHeader('www-authenticate', 'Bearer realm="metrics"');
      return sendJson(res, 401, { detail: 'The metrics need the scrape token (METRICS_TOKEN)' });
    }
    return serve(req, res);
  };
}

/** The client's address as this server sees it (no proxy headers are trusted). */
export function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * A 400 error for a document whose operation cannot be chosen (an `operationName` it does not hold, several
 * operations and no name) or is a subscription (this gateway serves none), or undefined. Apollo's gateway answers
 * those with 500; a document that does not parse is left to Apollo (400).
 */
function operationRefusal(document: DocumentNode | null, operationName: string | undefined) {
  if (!document) return undefined;
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length === 0) return undefined;
  const chosen = operationName ? operations.filter((o) => o.name?.value === operationName) : operations;
  let message: string | undefined;
  if (operationName && chosen.length === 0) message = `The document holds no operation named "${boundedLogText(operationName)}"`;
  else if (!operationName && chosen.length > 1) message = 'The document holds several operations: name the one to run in operationName';
  else if (chosen[0]!.operation === 'subscription') message = 'Subscriptions are not served here';
  return message ? { message, extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } } : undefined;
}

/** Apollo's persisted-query refusals, which it codes INTERNAL_SERVER_ERROR although they are answered 400. */
const PERSISTED_QUERY_MISTAKES = new Set(['Unsupported persisted query version', 'provided sha does not match query']);

/**
 * A client's mistake keeps no stack trace (it says nothing about this code), and carries a code saying it is the
 * client's; only unexpected errors (INTERNAL_SERVER_ERROR) keep their trace, in development.
 */
function clientMistakeCode(error: GraphQLFormattedError): GraphQLFormattedError {
  const code = PERSISTED_QUERY_MISTAKES.has(error.message) ? 'BAD_REQUEST' : error.extensions?.code;
  if (code === 'INTERNAL_SERVER_ERROR' || !error.extensions) return error;
  const { stacktrace: _stacktrace, ...extensions } = error.extensions;
  return { ...error, extensions: { ...extensions, code } };
}

/** The name of the document's operation when it holds exactly one named operation. */
function singleOperationName(document: DocumentNode | null): string | undefined {
  const operations = document?.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION) ?? [];
  return operations.length === 1 && operations[0]!.kind === Kind.OPERATION_DEFINITION ? operations[0]!.name?.value : undefined;
}
