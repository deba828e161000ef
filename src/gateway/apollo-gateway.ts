import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { SERVICE_UNAVAILABLE, serviceUnavailableError, serviceUnavailableStatusPlugin } from '../platform/errors/service-unavailable.js';
import { withoutSuggestions } from '../platform/errors/suggestions.js';
import type { GatewayMetrics } from '../platform/metrics/gateway-metrics.js';
import { deprecationUsagePlugin } from './deprecations/deprecation-usage.plugin.js';
import type { GatewayContext } from './gateway-context.js';
import type { GatewayOptions } from './gateway-options.js';
import { graphqlHardening } from './graphql-hardening.js';
import type { PersistedDocuments } from './persisted-documents.js';
import { createApolloGateway } from './single-fetch-passthrough.js';
import { SharedReads } from './shared-reads.js';
import { ContextForwardingDataSource } from './subgraph-data-source.js';
import type { SubgraphFetcher } from './subgraph-fetcher.js';

/**
 * Apollo Server over Apollo Gateway and the static supergraph: a signed, pooled data source per subgraph (the
 * planning one with the answer cache), GraphQL Armor's limits, persisted queries in `persistedDocuments`, and the
 * error answers: a subgraph's 503 as SERVICE_UNAVAILABLE, client mistakes without stack traces, no schema hints in
 * production.
 */
export function createGatewayApollo(deps: {
  options: GatewayOptions;
  httpServer: Server;
  fetcher: SubgraphFetcher;
  persistedDocuments: PersistedDocuments;
  /** The API schema built with this package's graphql-js (the deprecated-usage counts read it). */
  apiSchema: GraphQLSchema;
  metrics?: GatewayMetrics;
}): ApolloServer<GatewayContext> {
  const { options, metrics } = deps;
  // One for all subgraphs: a write to any of them takes its org's reads in flight out of reach.
  const sharedReads = options.sharedReads === false ? undefined : new SharedReads();
  const gateway = createApolloGateway(
    {
      supergraphSdl: options.supergraphSdl,
      buildService: ({ name, url }) =>
        new ContextForwardingDataSource(
          { name, url: options.subgraphUrls?.[name] ?? url!, fetcher: deps.fetcher.fetch },
          { key: options.keys.current, issuer: options.issuer },
          // Only the subgraph of this product announces its changes; other modules' answers are never cached.
          name === 'planning' && options.answerCache ? { ...options.answerCache, onLookup: metrics?.cacheLookup } : undefined,
          sharedReads,
        ),
    },
    { singleFetchPassthrough: options.singleFetchPassthrough, onSingleFetch: metrics?.singleFetch },
  );
  const hardening = graphqlHardening(options.isProduction);
  return new ApolloServer<GatewayContext>({
    gateway,
    introspection: !options.isProduction,
    includeStacktraceInErrorResponses: !options.isProduction,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    persistedQueries: { cache: deps.persistedDocuments.cache },
    stopOnTerminationSignals: false,
    validationRules: hardening.validationRules,
    parseOptions: hardening.parseOptions,
    plugins: [
      // Armor's types come from Apollo's CommonJS build; the plugins are the same objects.
      ...(hardening.plugins as unknown as ApolloServerPlugin<GatewayContext>[]),
      ApolloServerPluginDrainHttpServer({ httpServer: deps.httpServer, stopGracePeriodMillis: options.shutdownTimeoutMs }),
      ApolloServerPluginInlineTraceDisabled(),
      serviceUnavailableStatusPlugin(),
      ...(metrics ? [metrics.graphqlPlugin] : []),
      ...(metrics || options.deprecationUsage ? [deprecationUsagePlugin({ schema: deps.apiSchema, metrics, recorder: options.deprecationUsage })] : []),
    ],
    formatError: (formatted) => {
      // A subgraph answering 503 (its database is down) becomes SERVICE_UNAVAILABLE here, without its response body.
      if ((formatted.extensions?.response as { status?: number } | undefined)?.status === 503 || formatted.extensions?.code === SERVICE_UNAVAILABLE) return serviceUnavailableError(formatted);
      const answer = clientMistakeCode(formatted);
      // In production no message suggests schema names ("Did you mean the enum value ...?"), whoever wrote it.
      return options.isProduction ? withoutSuggestions(answer) : answer;
    },
  });
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
