import { ApolloGateway, type GatewayConfig } from '@apollo/gateway';
import type { Experimental_DidResolveQueryPlanCallback } from '@apollo/gateway/dist/config.js';
import { GraphQLDataSourceRequestKind, type GraphQLDataSource } from '@apollo/gateway/dist/datasources/types.js';
import type { OperationContext } from '@apollo/gateway/dist/operationContext.js';
import { computeResponse } from '@apollo/gateway/dist/resultShaping.js';
import { ERRORS, errorCodeDef, operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { createRequire } from 'node:module';
import { LRUCache } from 'lru-cache';
import {
  Kind,
  parse,
  print,
  separateOperations,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type VariableDefinitionNode,
} from 'graphql';

const INACCESSIBLE_IDENTITY = 'https://specs.apollo.dev/inaccessible';

/**
 * graphql-js as Apollo's CommonJS code loads it. The schemas checked here come from Apollo, graphql-js refuses a
 * schema made by another copy of itself, and Apollo Server keeps an error's path only on its own copy's GraphQLError
 * (a bundler such as vitest's may load the ESM build for this file's own imports).
 */
const { getVariableValues, GraphQLError, validate } = createRequire(import.meta.url)('graphql') as typeof import('graphql');
type GraphQLError = import('graphql').GraphQLError;

type GatewayExecutor = ApolloGateway['executor'];
type GatewayGraphQLRequestContext = Parameters<GatewayExecutor>[0];
type QueryPlan = Parameters<Experimental_DidResolveQueryPlanCallback>[0]['queryPlan'];
type ServiceMap = Parameters<Experimental_DidResolveQueryPlanCallback>[0]['serviceMap'];

/** Routes remembered at most, the least recently used going first (a gateway sees a bounded set of documents). */
const MAX_ROUTES = 2000;

/** How one operation (document + operation name) is answered on the fast path. */
interface SingleFetchRoute {
  serviceName: string;
  dataSource: GraphQLDataSource;
  /**
   * The client's operation and the fragments it uses, as Apollo normalises them, under the fetch name Apollo gives
   * it (`Op__planning__0`).
   */
  query: string;
  document: DocumentNode;
  operationName: string | undefined;
  /** The client operation's variables, checked against the API schema on every request. */
  variableDefinitions: readonly VariableDefinitionNode[];
  /** The operation over the supergraph's API schema, for shaping the answer when the fetch failed. */
  operation: ReturnType<typeof operationFromDocument>;
}

/**
 * Skips the gateway's re-execution of an operation whose query plan is a single fetch from one subgraph.
 *
 * Apollo's gateway answers every operation by executing its query plan and then shaping the merged subgraph data
 * into the client's selection (`computeResponse`), which is about a tenth of the gateway's CPU on a 20-task page and
 * does nothing when one subgraph answers the whole operation. For such an operation this sends the client's own
 * operation (and the fragments it uses), as Apollo normalises it (inline fragments on one type merged, so the
 * subgraph puts the fields in the order Apollo's shaping would), to that subgraph through the same data source (so
 * the signed context, the answer cache and the fetcher are the same) and answers with the subgraph's `data` as it
 * came.
 *
 * An operation takes the fast path only from its second request on: the first goes through Apollo as always, and
 * its plan decides. It must be a query or mutation planned as one fetch with no `@requires`, no rewrites and no
 * context; it must hold no `__schema`/`__type` (the gateway answers those itself) and no field aliased as
 * `__typename` (Apollo reads that key as the type); and its document must validate
 * against the subgraph's own schema. A supergraph using `@inaccessible` gets no fast path at all (Apollo's shaping
 * is what hides inaccessible values). What the client sees is the same as on Apollo's path: variables are checked
 * against the API schema first, subgraph errors get the same `serviceName`, code and path, a failed fetch gets the
 * same nulls (or the same error when Apollo's shaping throws). The one difference: a leaf value the subgraph returns is not re-checked against the supergraph's type
 * (graphql-js in the subgraph already guarantees it), and Apollo's own OpenTelemetry spans are not recorded for it.
 */
export class SingleFetchPassthrough {
  /** By operation: its route, or null when it never takes the fast path (decided once, on its first request). */
  private readonly routes = new LRUCache<string, { route: SingleFetchRoute | null }>({ max: MAX_ROUTES });
  private readonly subgraphSchemas = new Map<string, GraphQLSchema>();
  private readonly apiSchema: Schema | undefined;

  constructor(
    supergraphSdl: string,
    /** Called for each operation answered here, with the subgraph's name. */
    private readonly onAnswer?: (subgraph: string) => void,
  ) {
    const supergraph = Supergraph.build(supergraphSdl);
    if (hidesElements(supergraph.schema)) return;
    this.apiSchema = supergraph.apiSchema();
    for (const subgraph of supergraph.subgraphs()) this.subgraphSchemas.set(subgraph.name, subgraph.schema.toGraphQLJSSchema());
  }

  /** Whether the fast path can ever be taken (false for a supergraph using `@inaccessible`). */
  get enabled(): boolean {
    return this.apiSchema !== undefined;
  }

  /** Apollo's `experimental_didResolveQueryPlan`: decides, once per operation, whether it takes the fast path. */
  readonly learn: Experimental_DidResolveQueryPlanCallback = ({ queryPlan, serviceMap, operationContext, requestContext }) => {
    if (!this.apiSchema) return;
    const key = routeKey(requestContext);
    if (this.routes.has(key)) return;
    this.routes.set(key, { route: this.routeOf(queryPlan, serviceMap, operationContext, requestContext.document) });
  };

  /** Apollo's executor, with operations known to be single fetches answered here. */
  wrap(executor: GatewayExecutor): GatewayExecutor {
    return async (requestContext) => {
      const route = this.routes.get(routeKey(requestContext))?.route;
      // The development-only query plan header asks for Apollo's plan in the answer.
      if (!route || requestContext.request.http?.headers.get('apollo-query-plan-experimental')) return executor(requestContext);
      return this.answer(route, requestContext);
    };
  }

  private routeOf(queryPlan: QueryPlan, serviceMap: ServiceMap, operationContext: OperationContext, requestDocument: DocumentNode): SingleFetchRoute | null {
    const node = queryPlan.node;
    if (node?.kind !== 'Fetch' || node.requires || node.inputRewrites?.length || node.outputRewrites?.length || node.contextRewrites?.length) return null;
    const { operation } = operationContext;
    if (operation.operation !== 'query' && operation.operation !== 'mutation') return null;
    const subgraphSchema = this.subgraphSchemas.get(node.serviceName);
    const dataSource = serviceMap[node.serviceName];
    if (!subgraphSchema || !dataSource) return null;
    // The client's operation and the fragments it uses, without the document's other operations and their fragments.
    const clientDocument = separateOperations(requestDocument)[operation.name?.value ?? '']!;
    if (!passesThroughUnchanged(clientDocument)) return null;
    // The operation as Apollo normalises it (inline fragments of one type merged), which is also what its result
    // shaping walks: executed by the subgraph, it gives the fields in the order Apollo's answer has them.
    const normalized = operationFromDocument(this.apiSchema!, clientDocument, { validate: false });
    const printed = parse(normalized.toString(false, false));
    const document: DocumentNode = {
      ...printed,
      definitions: printed.definitions.map((definition) =>
        definition.kind === Kind.OPERATION_DEFINITION
          ? { ...definition, name: node.operationName ? { kind: Kind.NAME, value: node.operationName } : undefined }
          : definition,
      ),
    };
    if (validate(subgraphSchema, document).length > 0) return null;
    return {
      serviceName: node.serviceName,
      dataSource,
      query: print(document),
      document,
      operationName: node.operationName,
      variableDefinitions: operation.variableDefinitions ?? [],
      operation: normalized,
    };
  }

  private async answer(route: SingleFetchRoute, requestContext: GatewayGraphQLRequestContext) {
    const provided = requestContext.request.variables ?? {};
    // The same check Apollo's executor makes before planning: variable values against the API schema.
    if (route.variableDefinitions.length > 0) {
      const { errors } = getVariableValues(requestContext.schema, route.variableDefinitions, provided);
      if (errors) return { errors };
    }
    this.onAnswer?.(route.serviceName);
    const variables: Record<string, unknown> = Object.create(null);
    for (const definition of route.variableDefinitions) {
      const name = definition.variable.name.value;
      if (Object.hasOwn(provided, name) && provided[name] !== undefined) variables[name] = provided[name];
    }
    let response;
    try {
      response = await route.dataSource.process({
        kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
        request: { query: route.query, variables, operationName: route.operationName },
        incomingRequestContext: requestContext,
        context: requestContext.context,
        document: route.document,
        pathInIncomingRequest: [],
      });
    } catch (error) {
      // Apollo records a failed fetch as the operation's error and answers nulls for what it would have filled.
      return this.withoutData(route, requestContext, [error as GraphQLError]);
    }
    const errors = response.errors?.map((error) => downstreamServiceError(error, route.serviceName));
    if (response.data == null || typeof response.data !== 'object') return this.withoutData(route, requestContext, errors ?? []);
    return errors?.length ? { errors, data: response.data } : { data: response.data };
  }

  /**
   * Apollo's answer when a fetch brought no data: its result shaping over nothing (nulls, bubbled up as the schema
   * says), or the shaping's own error alone when it throws (e.g. a null for an `@include` condition).
   */
  private withoutData(route: SingleFetchRoute, requestContext: GatewayGraphQLRequestContext, errors: GraphQLError[]) {
    let data;
    try {
      data = computeResponse({ operation: route.operation, variables: requestContext.request.variables, input: Object.create(null), introspectionHandling: () => null }).data;
    } catch (error) {
      if (error instanceof GraphQLError) return { errors: [error] };
      if (error instanceof Error) return { errors: [new GraphQLError(error.message, { originalError: error })] };
      return { errors: [new GraphQLError('Unexpected error during query plan execution')] };
    }
    return errors.length > 0 ? { errors, data } : { data };
  }
}

/** Apollo's gateway with {@link SingleFetchPassthrough} in front of its executor. */
export function createApolloGateway(
  config: GatewayConfig & { supergraphSdl: string },
  options: { singleFetchPassthrough?: boolean; onSingleFetch?: (subgraph: string) => void } = {},
): ApolloGateway {
  const passthrough = options.singleFetchPassthrough === false ? undefined : new SingleFetchPassthrough(config.supergraphSdl, options.onSingleFetch);
  if (!passthrough?.enabled) return new ApolloGateway(config);
  const gateway = new ApolloGateway({ ...config, experimental_didResolveQueryPlan: passthrough.learn });
  const load = gateway.load.bind(gateway);
  gateway.load = async (loadOptions) => {
    const loaded = await load(loadOptions);
    return { ...loaded, executor: passthrough.wrap(loaded.executor) };
  };
  return gateway;
}

/** Whether the supergraph applies `@inaccessible` (under whatever name its `@link` gives it) anywhere. */
function hidesElements(schema: Schema): boolean {
  const feature = schema.coreFeatures?.getByIdentity(INACCESSIBLE_IDENTITY);
  if (!feature) return false;
  const directive = schema.directive(feature.directiveNameInSchema('inaccessible'));
  return directive !== undefined && directive.applications().size > 0;
}

/** Apollo's plan-store key: the document's hash and the operation name. */
function routeKey(requestContext: GatewayGraphQLRequestContext): string {
  return `${requestContext.request.operationName ?? ''}\u0000${requestContext.queryHash}`;
}

/**
 * Whether the subgraph's own answer to this document is what Apollo would answer: not when it asks `__schema` or
 * `__type` (the gateway answers those from the API schema), nor when it aliases a field as `__typename` (Apollo's
 * shaping reads that key as the object's type).
 */
function passesThroughUnchanged(document: DocumentNode): boolean {
  let unchanged = true;
  visit(document, {
    Field(field) {
      if (field.name.value === '__schema' || field.name.value === '__type' || (field.alias?.value === '__typename' && field.name.value !== '__typename')) {
        unchanged = false;
      }
    },
  });
  return unchanged;
}

/** A subgraph's error as Apollo's gateway reports it (executeQueryPlan's downstreamServiceError, root fetch). */
function downstreamServiceError(original: { message?: string; path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> }, serviceName: string): GraphQLError {
  const message = original.message || `Error while fetching subquery from service "${serviceName}"`;
  const options = {
    originalError: original as Error,
    path: original.path ? [...original.path] : undefined,
    extensions: { ...original.extensions, serviceName },
  };
  const codeDef = errorCodeDef(original as GraphQLError);
  if (!codeDef && original.extensions?.code) return new GraphQLError(message, options);
  return (codeDef ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}
