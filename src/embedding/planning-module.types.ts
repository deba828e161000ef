import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { JSONWebKeySet } from 'jose';
import type { Registry } from 'prom-client';
import type { ModuleConfig } from '../components/module-config.js';
import type { Logger } from '../platform/logging/logger.js';

/** A plain Node request handler: what `http.createServer` calls, and what every adapter wraps. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** The roles the module knows: `viewer` reads; `member` also writes; `admin` also deletes projects. */
export type PlanningRole = 'viewer' | 'member' | 'admin';

/** Who is calling, as the host established it: every read and write is scoped to `orgId`. */
export interface PlanningCaller {
  /** 1 to 128 characters of `A-Z a-z 0-9 . _ : @ | -`. */
  userId: string;
  /** Same rule as `userId`. */
  orgId: string;
  /** Unknown role names are dropped. */
  roles: readonly string[];
}

/**
 * The request the host's framework hands the module: Node's `IncomingMessage` (plain Node, Express's `Request`) or
 * Fastify's `FastifyRequest` (`request.raw` is the Node request). Whatever the host's authentication put on it
 * (`req.user`, `request.session`, ...) is there for {@link PlanningModuleOptions.caller}.
 */
export interface HostRequest {
  headers: IncomingHttpHeaders;
  [key: string]: unknown;
}

/**
 * How platform mode learns the caller of a request:
 * - a function of the host's request giving the caller the host verified, or `null`/`undefined` for none (the
 *   module answers 401). A function that throws counts as the host's authentication being unavailable (503).
 *   `Request` is the host framework's request type (`express.Request`, `FastifyRequest`), taken from the function's
 *   parameter: `caller: (req: express.Request) => req.user`.
 * - `'headers'`: `X-User-Id`, `X-Org-Id` and `X-Roles` (comma list) as set by the host's gateway, which must remove
 *   any a client sent (as the module's own `headers` trust mode).
 */
export type PlanningCallerSource<Request = HostRequest> = ((request: Request) => PlanningCaller | null | undefined | Promise<PlanningCaller | null | undefined>) | 'headers';

/** The envelope of every event the module publishes (CONTRACTS: Events). */
export interface PlanningEvent {
  id: string;
  /** `planning.task.created`, `planning.task.completed`, ... (the routing key). */
  type: string;
  source: 'planning';
  timestamp: string;
  user_id: string;
  org_id: string;
  data: Record<string, unknown>;
}

/** What the module tells the host's publisher besides the event: its message id and correlation headers. */
export interface PlanningEventDelivery {
  /** The envelope id (use it as the message id: consumers deduplicate on it). */
  messageId: string;
  /** `x-request-id` of the request that caused the event, and `traceparent` when it carried one. */
  headers: Record<string, string>;
}

/**
 * The host's event bus. The module writes its events into its transactional outbox with each change; after the
 * commit, the outbox relay hands them here one by one, in commit order, and marks them sent only once `publish`
 * resolved. A rejected `publish` leaves them unsent: they are handed over again (with backoff) until it succeeds, so
 * delivery is at-least-once and the same event (same `id`) may come twice.
 */
export interface PlanningEventPublisher {
  publish(event: PlanningEvent, delivery: PlanningEventDelivery): Promise<void> | void;
}

/** Another module's event, as the platform's bus carries it (`id` and `source` may be missing). */
export interface InboundPlanningEvent {
  id?: string;
  type: string;
  source?: string;
  timestamp?: string;
  user_id: string;
  org_id: string;
  data: Record<string, unknown>;
}

/**
 * What became of an event given to `handleEvent`:
 * - `processed`: applied in its transaction (its tasks and their `planning.task.created` events committed), or a
 *   duplicate of one already applied (nothing happened again): acknowledge it.
 * - `ignored`: a type this module does not consume ({@link PlanningModule.consumes}): acknowledge it.
 * - `rejected`: malformed or refused (`reason` names the field): it will never apply; dead-letter it.
 * - `retry`: a transient failure (the database is unavailable): deliver it again later.
 */
export type PlanningEventOutcome =
  | { status: 'processed' }
  | { status: 'ignored'; reason: string }
  | { status: 'rejected'; reason: string }
  | { status: 'retry'; reason: string };

/** The module's health, as the platform's `/health` reports each module. */
export interface PlanningHealth {
  status: 'ok' | 'down';
  /** How long the checks took, in milliseconds. */
  latencyMs: number;
  /** Each dependency: `postgres`, `redis` (when given), `rabbitmq` (when used). */
  checks: Record<string, 'ok' | 'down'>;
  /** Why the module is down: the failing dependencies, e.g. `redis: timed out after 1000 ms`. */
  error?: string;
  version: string;
}

/** Where the module keeps its tables: a PostgreSQL URL, or the embedded PostgreSQL (PGlite) in `dataDir`. */
export interface PlanningDatabaseOptions {
  /** `postgres://...`; unset: the embedded database (development). */
  url?: string;
  /** Where the embedded database keeps its files (`<dataDir>/pglite`); default `.data`. */
  dataDir?: string;
  /** Default 10 (1 on the embedded database). */
  poolMax?: number;
  /** A statement's limit and the wait for a connection (503 past them); defaults 10000 and 5000. */
  statementTimeoutMs?: number;
  acquireTimeoutMs?: number;
}

/** RabbitMQ and the names of the module's topology (the contract's names by default). */
export interface PlanningRabbitMqOptions {
  /** `amqp://...` */
  url: string;
  /** Default `platform.events`. */
  exchange?: string;
  /** Default `planning.events`. */
  queue?: string;
  /** Default `platform.events.dlx`. */
  deadLetterExchange?: string;
  /** Default `planning.events.dead`. */
  deadLetterQueue?: string;
}

/** Standalone mode: how the module verifies the bearer tokens it is sent (Ed25519 JWTs, as the gateway issues). */
export interface PlanningAuthOptions {
  /** Required `iss`; default `focus-kraliki`. */
  issuer?: string;
  /** Required `aud`; default `ocelot-platform`. */
  audience?: string;
  /** The issuer's public keys. */
  jwks?: JSONWebKeySet;
  /** JWKS endpoints of issuers whose tokens are accepted (e.g. the gateway's `/.well-known/jwks.json`). */
  jwksUrls?: string[];
  /** Default 30. */
  clockToleranceSeconds?: number;
  /** The oldest (from `iat`) a token may be; default 86400. */
  maxTokenAgeSeconds?: number;
}

export interface PlanningModuleOptions<Request = HostRequest> {
  /**
   * `true`: the host authenticates its users and the module trusts the caller it is given ({@link caller}).
   * `false` (the default): the module verifies bearer tokens itself ({@link auth}).
   */
  platformMode?: boolean;
  /** Platform mode: how the host passes the caller it verified (required there). */
  caller?: PlanningCallerSource<Request>;
  /** Standalone mode: the token issuer's keys (required there). */
  auth?: PlanningAuthOptions;
  /** A PostgreSQL URL, or options; unset: the embedded database in `.data/pglite`. */
  database?: string | PlanningDatabaseOptions;
  /**
   * Redis: a URL, a URL with the key prefix (default `focus-kraliki:`), or the host's ioredis client (used as it is,
   * with its own prefix, and not closed by `shutdown`). Holds the rate limits and, standalone, the revocations the
   * gateway writes. Unset: in-process stores.
   */
  redis?: string | { url: string; keyPrefix?: string } | Redis;
  /** The host's event bus: the outbox publishes through it, and RabbitMQ is not used. */
  eventPublisher?: PlanningEventPublisher;
  /**
   * Without an `eventPublisher`: RabbitMQ, where the module publishes to `platform.events` and consumes its queue
   * `planning.events` itself. Neither: an in-process bus (events stay in this process).
   */
  rabbitmq?: string | PlanningRabbitMqOptions;
  /** Request budgets in cost units per minute, as the gateway counts them; 0 turns one off. Default off in platform mode (the host limits), else 600 / 1200. */
  rateLimits?: { userPerMinute?: number; ipPerMinute?: number };
  /** Key of the tamper-evident pagination cursors, at least 16 characters, the same on every replica; required in production. */
  cursorSecret?: string;
  /** A pino logger, or a level for the module's own (default `LOG_LEVEL`, else `info`). */
  logger?: Logger | string;
  /** No introspection, no stack traces, required secrets; default `NODE_ENV === 'production'`. */
  production?: boolean;
  /** Inbound events applied in one transaction at most (default 50), and groups committed at once (default 2). */
  events?: { groupMax?: number; groupLanes?: number; prefetch?: number };
  /** Outbox relay: rows per batch (500), idle poll (1000 ms), retention of sent rows (72 h). */
  outbox?: { batchSize?: number; pollMs?: number; retentionHours?: number };
}

/** An Express (or Connect) middleware. */
export type ExpressMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** The part of a Fastify instance the plugin uses (Fastify 4 and 5). */
export interface FastifyInstanceLike {
  prefix: string;
  removeAllContentTypeParsers(): unknown;
  addContentTypeParser(contentType: string, parser: (request: unknown, payload: unknown, done: (error: Error | null, body?: unknown) => void) => void): unknown;
  all(path: string, handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>): unknown;
}

export interface FastifyRequestLike {
  raw: IncomingMessage;
  headers: IncomingHttpHeaders;
}

export interface FastifyReplyLike {
  raw: ServerResponse;
  hijack(): unknown;
}

/** A Fastify plugin: `app.register(plugin, { prefix: '/api/planning' })`. */
export type FastifyPlugin = (instance: FastifyInstanceLike, options: unknown) => Promise<void>;

/** What `createPlanningModule` returns. */
export interface PlanningModule {
  readonly name: 'focus-kraliki';
  /** {@link MODULE_CONFIG}: how the host's shell presents the module. */
  readonly config: ModuleConfig;
  /** Where the REST API belongs on the host: `/api/planning`. */
  readonly basePath: string;
  /** The event types `handleEvent` applies; others are `ignored`. */
  readonly consumes: readonly string[];
  /**
   * The module's metrics (prom-client): requests, operations, tasks created and completed, events settled, outbox
   * lag, pool. No process metrics (the host has its own), every series labelled `module="focus-kraliki"`; merge it
   * into the host's (`Registry.merge`) or serve `metrics.metrics()`.
   */
  readonly metrics: Registry;
  /**
   * The REST API (the original Focus API's routes) for `/api/planning`: takes `/api/planning/tasks` or, when the
   * host stripped the mount path, `/tasks`.
   */
  readonly handler: NodeHandler;
  /** The planning subgraph's GraphQL endpoint (Federation 2), for the host's gateway or its own GraphQL route. */
  readonly graphqlHandler: NodeHandler;
  /** The planning subgraph's SDL (`schema/planning.graphql`), for the host's supergraph composition. */
  readonly typeDefs: string;
  /** `handler` (or another) as an Express middleware: `app.use('/api/planning', planning.express())`. */
  express(handler?: NodeHandler): ExpressMiddleware;
  /** `handler` (or another) as a Fastify plugin: `app.register(planning.fastify(), { prefix: '/api/planning' })`. */
  fastify(handler?: NodeHandler): FastifyPlugin;
  /** Opens the database (migrating it), Redis and the event bus, and starts the outbox relay. Call once, before serving. */
  startup(): Promise<void>;
  /** Lets requests and events in flight finish (at most `timeoutMs`, default 10000), then stops the relay and closes what `startup` opened. */
  shutdown(options?: { timeoutMs?: number }): Promise<void>;
  /**
   * Applies another module's event through the module's inbox: deduplicated on its id (or on a hash of the event
   * without one), so a duplicate takes effect once; grouped with concurrent events into one transaction, as the
   * RabbitMQ consumer does. Resolves once its transaction committed (or failed).
   */
  handleEvent(event: InboundPlanningEvent | string | Uint8Array): Promise<PlanningEventOutcome>;
  /** Checks the database (and Redis, RabbitMQ when used), each within 1 s. */
  healthCheck(): Promise<PlanningHealth>;
}
