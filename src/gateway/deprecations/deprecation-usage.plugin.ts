import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { GatewayMetrics } from '../../platform/metrics/gateway-metrics.js';
import type { GatewayContext } from '../gateway-context.js';
import { ClientNames } from './client-names.js';
import { DeprecatedUsageIndex } from './deprecated-usage.js';
import type { DeprecatedUsageRecorder } from './deprecated-usage-store.js';

/** The header naming the calling client (Apollo Client's `name` option, Apollo's tooling). */
export const CLIENT_NAME_HEADER = 'apollographql-client-name';

/**
 * Counts, for every operation the gateway resolved (from `/graphql` and from the REST shim alike), each deprecated
 * member it uses, by client: `gateway_deprecated_usage_total{coordinate,client}` and the shared counts of `recorder`.
 * An operation's members are found once per parsed document (see {@link DeprecatedUsageIndex}); a request costs a
 * WeakMap lookup, and a counter increment per deprecated member it uses.
 *
 * `schema` must be the API schema built with this package's graphql-js (Apollo's may be another copy).
 */
export function deprecationUsagePlugin(deps: { schema: GraphQLSchema; metrics?: GatewayMetrics; recorder?: DeprecatedUsageRecorder }): ApolloServerPlugin<GatewayContext> {
  const index = new DeprecatedUsageIndex(deps.schema);
  const clients = new ClientNames();
  // One listener for every request: it keeps no state of its own.
  const listener: GraphQLRequestListener<GatewayContext> = {
    async didResolveOperation({ document, operation, request, contextValue }) {
      if (!operation) return;
      const usages = index.usagesOf(document, operation);
      if (usages.length === 0) return;
      const client = clients.labelOf(request.http?.headers.get(CLIENT_NAME_HEADER), contextValue.client);
      for (const coordinate of usages) {
        deps.metrics?.deprecatedUse(coordinate, client);
        deps.recorder?.record(coordinate, client);
      }
    },
  };
  return { requestDidStart: async () => listener };
}
