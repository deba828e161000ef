import type { AddressInfo } from 'node:net';
import type { ApolloServer } from '@apollo/server';
import { drainHttpServer } from '../platform/http/drain-http-server.js';
import { GatewayMetrics } from '../platform/metrics/gateway-metrics.js';
import { createAdmission } from './admission.js';
import { createGatewayApollo } from './apollo-gateway.js';
import { authRoutes } from './auth/auth.routes.js';
import { Authenticator } from './auth/authenticator.js';
import type { GatewayContext } from './gateway-context.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, type GatewayOptions, type RouteHandler, type RunningGateway } from './gateway-options.js';
import { gatewayPipeline, graphqlRoute, RequestPricing } from './graphql.route.js';
import { graphiqlRoutes } from './ide/graphiql-ide.js';
import { operationalRoutes } from './operational.routes.js';
import { gatewayHttpServer } from './gateway-http.js';
import { createSubgraphFetcher } from './subgraph-fetcher.js';
import { TrustedDocuments } from './trusted-documents/trusted-documents.js';

export { DEFAULT_REQUEST_TIMEOUT_MS, GATEWAY_MAX_BODY_BYTES, type GatewayOptions, type GatewayPipeline, type RouteHandler, type RunningGateway } from './gateway-options.js';
export { clientIp, requestIdOf } from './admission.js';

/**
 * The platform gateway: Apollo Gateway over a static supergraph (no introspection polling), Ed25519 bearer
 * authentication with revocation, per-user and per-IP budgets counted by operation cost, GraphQL hardening, and a
 * signed caller context on every subgraph fetch. Also `/auth/login`, `/auth/logout`, `/.well-known/jwks.json`.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { logger } = options;
  const authenticator = new Authenticator(options.verifier, options.revocations, {
    verifiedTokenTtlMs: (options.verifiedTokenCacheSeconds ?? 0) * 1000,
    clockToleranceSeconds: options.clockToleranceSeconds,
  });
  const metrics = options.metrics && new GatewayMetrics(options.metrics.registry);
  const fetcher = createSubgraphFetcher({ timeoutMs: options.subgraphTimeoutMs });
  const admission = createAdmission({ authenticator, limits: options.limits, revocations: options.revocations, metrics });
  const pricing = new RequestPricing(options.supergraphSdl);
  const trusted = options.trustedDocumentsOnly ? new TrustedDocuments() : undefined;
  // A request sending only a known operation's hash runs it, on every replica, without registering it first.
  for (const [hash, operation] of trusted?.operations ?? []) pricing.persistedDocuments.pin(hash, operation.document);
  // Routes reach Apollo through this: it is made after the HTTP server its drain plugin needs.
  const made: { apollo?: ApolloServer<GatewayContext> } = {};
  const server = () => made.apollo!;

  const graphql = graphqlRoute({ apollo: server, admission, pricing, trusted, compressionMinBytes: options.compressionMinBytes ?? 0 });
  const routes: Record<string, RouteHandler> = {
    '/graphql': graphql,
    // Development only: a browser opening /graphql gets the GraphiQL IDE (docs/operations.md, "GraphQL IDE").
    ...(options.isProduction ? {} : graphiqlRoutes(graphql)),
    ...authRoutes({ ...options, authenticator, metrics }),
    ...operationalRoutes(options, metrics),
    ...options.extraRoutes?.(gatewayPipeline({ apollo: server, admission, pricing, trusted })),
  };
  const { httpServer, handlers } = gatewayHttpServer({ routes, templates: options.metrics?.routeTemplates, logger, metrics });
  const apollo = (made.apollo = createGatewayApollo({ options, httpServer, fetcher, persistedDocuments: pricing.persistedDocuments, apiSchema: pricing.schema, metrics }));
  await apollo.start();
  // A request (headers and body) must arrive within this, so a slow sender cannot hold a socket for minutes.
  httpServer.requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  httpServer.headersTimeout = Math.min(httpServer.requestTimeout, 10_000);
  await new Promise<void>((resolve, reject) => httpServer.once('error', reject).listen(options.port, options.host, () => resolve()));
  const origin = `http://${options.host}:${(httpServer.address() as AddressInfo).port}`;
  const stop = async (deadline?: number) => {
    const { unfinished } = await drainHttpServer(httpServer, options.shutdownTimeoutMs ?? 10_000, { handlers, deadline });
    if (unfinished > 0) logger.warn({ unfinished }, 'gateway: requests still running at the shutdown timeout are cut off');
    await apollo.stop();
    await fetcher.close();
    await options.deprecationUsage?.close();
  };
  return { url: `${origin}/graphql`, origin, apollo, stop };
}
