import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import type { CallEventSource } from './call-event-sources.js';
import { recordCallEnded, type CallEventOutcome } from './call-ended.event.js';
import { CallRecordStore } from './call-record.store.js';
import { drainHttpServer } from '../../platform/http/drain-http-server.js';
import { executeGraphQLOverHttp, graphqlParamsOf, sendJson } from '../../platform/http/graphql-http.js';
import { createLogger, type Logger } from '../../platform/logging/logger.js';
import type { Caller } from '../../modules/common/caller.js';
import type { CallerResolver } from '../../subgraph/caller-from-request.js';

export { CallRecordStore, type CallRecord } from './call-record.store.js';
export { CALL_ENDED_EVENT, recordCallEnded, type CallEventOutcome } from './call-ended.event.js';
export { inProcessCallEvents, rabbitMqCallEvents, type CallEventSource } from './call-event-sources.js';

/** Location of the comms SDL; resolved from this file so it works from any working directory. */
export const COMMS_SDL_URL = new URL('../../../schema/comms.graphql', import.meta.url);

/** The caller facts the gateway forwards (X-User-Id, X-Org-Id, X-Request-Id), as one request carried them. */
export interface SeenCaller {
  userId?: string;
  orgId?: string;
  requestId?: string;
}

/** Options of {@link startCommsSubgraph}. */
export interface CommsSubgraphOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Interface to bind; defaults to 127.0.0.1 (use 0.0.0.0 in a container). */
  host?: string;
  /** Where the calls are kept; a fresh, empty store when omitted. */
  store?: CallRecordStore;
  /**
   * Where the example hears `comms.call.ended` events, the one way a call gets into its store. Without a source it
   * hears of no call, and every task's `callbacks` stays empty.
   */
  events?: CallEventSource;
  /** Says which events were ignored, and why (debug); silent when omitted. */
  logger?: Logger;
  /**
   * How the subgraph learns the caller, as the planning subgraph does: in production the gateway-signed context
   * (audience `comms`), as `SignedContextCallerResolver` checks it. A request it refuses gets 401.
   */
  callers: CallerResolver;
}

/** A running comms subgraph. */
export interface RunningCommsSubgraph {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4002/graphql. */
  url: string;
  /** Caller headers of every GraphQL request received, in arrival order. */
  seenCallers: SeenCaller[];
  /** The W3C `traceparent` of every GraphQL request received (undefined when none came), in arrival order. */
  seenTraceparents: Array<string | undefined>;
  store: CallRecordStore;
  /** How many events it has heard so far: those it recorded a call from, and those it ignored. */
  heard: Record<CallEventOutcome['kind'], number>;
  /** Stops listening to events, then drains within 10 s, or until `deadline` (epoch ms) when that comes first. */
  stop(deadline?: number): Promise<void>;
}

/** What the comms resolvers get: the established caller. */
export interface CommsContext {
  caller: Caller;
}

/**
 * Builds the executable comms subgraph schema from schema/comms.graphql: `Task.callbacks` lists the calls the store
 * holds for the caller's org and the task id of each entity representation (none for a task it never heard of).
 *
 * @example
 * const schema = buildCommsSchema(new CallRecordStore());
 */
export function buildCommsSchema(store: CallRecordStore = new CallRecordStore()): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: parse(readFileSync(COMMS_SDL_URL, 'utf8')),
    resolvers: {
      Task: {
        __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
        callbacks: (task: { id: string }, _args: unknown, context: unknown) => store.listForTask((context as CommsContext).caller.orgId, task.id),
      },
    },
  });
}

function firstHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function callerOf(headers: IncomingHttpHeaders): SeenCaller {
  const caller: SeenCaller = {};
  const userId = firstHeader(headers, 'x-user-id');
  const orgId = firstHeader(headers, 'x-org-id');
  const requestId = firstHeader(headers, 'x-request-id');
  if (userId !== undefined) caller.userId = userId;
  if (orgId !== undefined) caller.orgId = orgId;
  if (requestId !== undefined) caller.requestId = requestId;
  return caller;
}

/**
 * Starts the example comms subgraph: GraphQL at `/graphql`, `{"status":"ok"}` at `/health`.
 *
 * @example
 * const comms = await startCommsSubgraph({ port: 0, callers: new HeaderCallerResolver() });
 * await fetch(comms.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ _service { sdl } }"}' });
 * await comms.stop();
 */
export async function startCommsSubgraph(options: CommsSubgraphOptions): Promise<RunningCommsSubgraph> {
  const { port = 0, host = '127.0.0.1', store = new CallRecordStore(), logger = createLogger('silent') } = options;
  const heard: RunningCommsSubgraph['heard'] = { recorded: 0, ignored: 0 };
  const seenCallers: SeenCaller[] = [];
  const seenTraceparents: Array<string | undefined> = [];
  const httpServer = createServer((req, res) => {
    // No answer of this server is to be sniffed into another type than it declares.
    res.setHeader('x-content-type-options', 'nosniff');
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/health') return sendJson(res, 200, { status: 'ok' });
    if (pathname !== '/graphql') return sendJson(res, 404, { detail: 'Not Found' });
    seenCallers.push(callerOf(req.headers));
    seenTraceparents.push(firstHeader(req.headers, 'traceparent'));
    const context = async (body: unknown): Promise<CommsContext> => ({ caller: await options.callers.resolve({ headers: req.headers, ...graphqlParamsOf(body, req.url) }) });
    executeGraphQLOverHttp(apollo, req, res, context).catch((error: unknown) => {
      console.error('comms subgraph: request failed', error);
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error' }] });
      else res.end();
    });
  });
  const apollo = new ApolloServer<CommsContext>({
    schema: buildCommsSchema(store),
    // The process entry (main.ts) owns signal handling; a library call must not exit the host process.
    stopOnTerminationSignals: false,
    // Inline (ftv1) tracing only serves Apollo Studio reporting, which this example does not use.
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen({ port, host }, () => {
      httpServer.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await apollo.stop(); // e.g. EADDRINUSE: release Apollo before reporting
    throw error;
  });
  const stopListening = await options.events
    ?.listen((body) => {
      const outcome = recordCallEnded(store, body);
      heard[outcome.kind] += 1;
      if (outcome.kind === 'ignored') logger.debug({ reason: outcome.reason }, 'comms example: event ignored');
    })
    .catch(async (error: unknown) => {
      await drainHttpServer(httpServer, 1_000);
      await apollo.stop();
      throw error;
    });
  const { port: boundPort } = httpServer.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${boundPort}/graphql`,
    seenCallers,
    seenTraceparents,
    store,
    heard,
    async stop(deadline?: number) {
      await stopListening?.();
      await drainHttpServer(httpServer, 10_000, { deadline });
      await apollo.stop();
    },
  };
}
