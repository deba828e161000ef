import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Counter, Histogram, type Registry } from 'prom-client';
import { BoundedLabel } from './bounded-label.js';

export interface GraphQLMetricsOptions {
  /** Operation names always reported as themselves (e.g. the REST shim's operations). */
  knownOperations?: Iterable<string>;
  /** Further distinct names reported as themselves before the rest are grouped as `other` (default 50). */
  maxOperationNames?: number;
}

/**
 * An Apollo Server plugin (gateway and subgraph alike) recording `graphql_operation_duration_seconds{operation,
 * type}` and `graphql_operation_errors_total{operation}` (operations answered with at least one error). Operation
 * names are client-chosen, so they go through a {@link BoundedLabel}; an unnamed operation is `anonymous`.
 */
export function graphqlMetricsPlugin<TContext extends BaseContext>(registry: Registry, options: GraphQLMetricsOptions = {}): ApolloServerPlugin<TContext> {
  const duration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL operation duration by operation name and type',
    labelNames: ['operation', 'type'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'graphql_operation_errors_total',
    help: 'GraphQL operations answered with errors, by operation name',
    labelNames: ['operation'],
    registers: [registry],
  });
  const names = new BoundedLabel({ known: options.knownOperations, limit: options.maxOperationNames ?? 50 });

  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      let failed = false;
      return {
        async didEncounterErrors() {
          failed = true;
        },
        async willSendResponse(requestContext) {
          // Only the name of an operation the document holds: an `operationName` naming nothing is `unresolved`.
          const name = requestContext.operation ? requestContext.operation.name?.value : requestContext.request.operationName;
          const operation = !requestContext.operation && name ? 'unresolved' : name ? names.valueOf(name) : 'anonymous';
          const type = requestContext.operation?.operation ?? 'unknown';
          duration.observe({ operation, type }, Number(process.hrtime.bigint() - started) / 1e9);
          if (failed) errors.inc({ operation });
        },
      };
    },
  };
}
