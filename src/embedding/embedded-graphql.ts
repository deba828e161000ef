import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { MikroORM } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import type { Caller } from '../modules/common/caller.js';
import { CursorCodec } from '../modules/common/cursor.js';
import { ProjectService } from '../modules/projects/project.service.js';
import { TaskService } from '../modules/tasks/task.service.js';
import { createErrorFormatter } from '../platform/errors/graphql-errors.js';
import { serviceUnavailableStatusPlugin } from '../platform/errors/service-unavailable.js';
import { executeGraphQLOverHttp } from '../platform/http/graphql-http.js';
import { AuthenticationError } from '../platform/identity/auth-errors.js';
import type { Logger } from '../platform/logging/logger.js';
import { AnswerSizeLimit, answerTooLargePlugin } from '../subgraph/answer-size.js';
import type { PlanningContext } from '../subgraph/planning-context.js';
import { featureDepsFor } from '../subgraph/planning-features.js';
import { createPlanningLoaders } from '../subgraph/planning-loaders.js';
import type { PlanningMetrics } from '../subgraph/planning-metrics.js';
import { buildPlanningSchema } from '../subgraph/planning-schema.js';
import { correlationHeaders } from '../subgraph/planning-server.js';
import type { CallerFinder } from './host-caller.js';

/** One GraphQL operation, as the REST routes run them. */
export interface OperationRequest {
  query: string;
  operationName?: string;
  variables?: Record<string, unknown>;
}

/**
 * The planning subgraph inside the host's process: the schema, resolvers, error mapping and plugins of the planning
 * server (src/subgraph/planning-server.ts), without a server of its own. Each operation gets the context a request
 * of that server gets (its own EntityManager fork, services and loaders) for a caller established by the host.
 */
export class EmbeddedPlanningGraphQL {
  private readonly apollo: ApolloServer<PlanningContext>;
  private readonly codec: CursorCodec;

  constructor(
    private readonly orm: MikroORM,
    cursorSecret: string,
    private readonly metrics: PlanningMetrics,
    logger: Logger,
    production: boolean,
    /** Shadow AI's and Flow Memory's per-request parts, as the planning server builds them. */
    private readonly features: ReturnType<typeof featureDepsFor>,
  ) {
    this.codec = new CursorCodec(cursorSecret);
    this.apollo = new ApolloServer<PlanningContext>({
      schema: buildPlanningSchema(),
      formatError: createErrorFormatter(logger, production),
      includeStacktraceInErrorResponses: !production,
      introspection: !production,
      stopOnTerminationSignals: false,
      plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), serviceUnavailableStatusPlugin(), answerTooLargePlugin(), metrics.plugin],
    });
  }

  start(): Promise<void> {
    return this.apollo.start();
  }

  async stop(): Promise<void> {
    await this.apollo.stop();
    await this.features.close();
  }

  /** What a resolver of this request sees; `headers` give its events their `x-request-id` (and `traceparent`). */
  contextFor(caller: Caller, headers: IncomingHttpHeaders): PlanningContext {
    const em = this.orm.em.fork();
    const serviceOptions = { eventHeaders: correlationHeaders(headers), onTaskActivity: this.metrics.onTaskActivity };
    return {
      caller,
      tasks: new TaskService(em, this.codec, serviceOptions),
      projects: new ProjectService(em, this.codec, serviceOptions),
      loaders: createPlanningLoaders(em, caller.orgId, this.codec),
      answerSize: new AnswerSizeLimit(),
      ...this.features.forRequest(em, caller, serviceOptions),
    };
  }

  /** Runs one operation for `caller`; errors come formatted, with their `extensions.code`. */
  async execute(caller: Caller, headers: IncomingHttpHeaders, request: OperationRequest): Promise<{ data?: any; errors?: readonly any[] }> {
    const response = await this.apollo.executeOperation(request, { contextValue: this.contextFor(caller, headers) });
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported here');
    return response.body.singleResult;
  }

  /** The subgraph's GraphQL endpoint over HTTP (GET and POST), its caller found by `findCaller`. */
  async serveHttp(req: IncomingMessage, res: ServerResponse, findCaller: CallerFinder): Promise<void> {
    await executeGraphQLOverHttp(this.apollo, req, res, async () => {
      let caller: Caller;
      try {
        ({ caller } = await findCaller(req));
      } catch (error) {
        if (error instanceof AuthenticationError) {
          throw new GraphQLError(error.message, { extensions: { code: 'UNAUTHENTICATED', reason: error.reason, http: { status: 401 } } });
        }
        throw new GraphQLError('Authentication is unavailable', { extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } } });
      }
      return this.contextFor(caller, req.headers);
    });
  }
}
