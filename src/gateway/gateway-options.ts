import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { Registry } from 'prom-client';
import type { SubgraphAnswerStore } from '../platform/cache/planning-data-cache.js';
import type { ReadinessCheck } from '../platform/http/readiness.js';
import type { KeyRing } from '../platform/identity/signing-keys.js';
import type { AccessClaims, TokenVerifier } from '../platform/identity/token-verifier.js';
import type { Logger } from '../platform/logging/logger.js';
import type { LoginService } from './auth/login.service.js';
import type { DeprecatedUsageRecorder } from './deprecations/deprecated-usage-store.js';
import type { RevocationStore } from './auth/revocation-store.js';
import type { GatewayContext } from './gateway-context.js';
import type { AnswerStyle } from './http-answers.js';
import type { RequestLimits } from './limits/request-limits.js';

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
   * Identical subgraph reads of one caller in flight at the same time share one fetch (see shared-reads.ts; with
   * the answer cache on, its own sharing does this). Default on.
   */
  sharedReads?: boolean;
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
  /**
   * Trusted-documents mode (GATEWAY_TRUSTED_DOCUMENTS_ONLY): only the product's own operations run (the typed
   * frontend documents and the REST shim's), by hash or as full text; anything else is refused with 400. Default off.
   */
  trustedDocumentsOnly?: boolean;
  /**
   * Where the counts of deprecated members used go, shared by every replica (`contracts:usage` reads them); the
   * Prometheus counter `gateway_deprecated_usage_total` is kept with `metrics` either way. Flushed on `stop()`.
   */
  deprecationUsage?: DeprecatedUsageRecorder;
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

