import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Counter, type Registry } from 'prom-client';
import { AuthenticationError, AuthUnavailableError } from '../identity/auth-errors.js';
import { graphqlMetricsPlugin } from './graphql-metrics.js';
import { HttpMetrics } from './http-metrics.js';
import { metricsHandler } from './metrics-handler.js';
import type { CacheOutcome } from '../cache/planning-data-cache.js';

/**
 * The gateway's instruments: requests by route template, GraphQL operations, and its own counters: `gateway_authentication_failures_total{reason}` (the 401 reason code,
 * `auth_unavailable` for a 503 when a dependency of authentication is down, `invalid_credentials` for a refused
 * login), `gateway_rate_limit_rejections_total{budget}` (`user` or `ip`) and
 * `gateway_subgraph_cache_lookups_total{subgraph,outcome}` (`hit`, `shared`, `miss`, `error`) when the answer cache is on, and
 * `gateway_single_fetch_operations_total{subgraph}` (operations answered by the single-fetch pass-through), and
 * `gateway_deprecated_usage_total{coordinate,client}` (operations using a deprecated field, argument, input field or
 * enum value, by its schema coordinate and the calling client).
 */
export class GatewayMetrics {
  private readonly authFailures: Counter<'reason'>;
  private readonly rateLimitRejections: Counter<'budget'>;
  private readonly cacheLookups: Counter<'subgraph' | 'outcome'>;
  private readonly singleFetches: Counter<'subgraph'>;
  private readonly deprecatedUsage: Counter<'coordinate' | 'client'>;
  /**
   * Its increments since the last scrape, by coordinate and client (bounded: the schema's members times the bounded
   * clients): prom-client's labelled `inc` costs about 0.9 µs, so requests add here and a scrape adds these up.
   */
  private readonly deprecatedUsagePending = new Map<string, Map<string, number>>();
  private readonly http: HttpMetrics;
  readonly graphqlPlugin: ApolloServerPlugin<BaseContext>;
  /** The `/metrics` route. */
  readonly serve: (req: IncomingMessage, res: ServerResponse) => Promise<void>;

  constructor(registry: Registry) {
    this.http = new HttpMetrics(registry);
    this.graphqlPlugin = graphqlMetricsPlugin(registry);
    this.serve = metricsHandler(registry);
    this.authFailures = new Counter({
      name: 'gateway_authentication_failures_total',
      help: 'Requests refused by authentication, by reason',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.rateLimitRejections = new Counter({
      name: 'gateway_rate_limit_rejections_total',
      help: 'Requests refused with 429 by a rate-limit budget',
      labelNames: ['budget'],
      registers: [registry],
    });
    this.cacheLookups = new Counter({
      name: 'gateway_subgraph_cache_lookups_total',
      help: 'Subgraph fetches looked up in the answer cache, by subgraph and outcome (hit, shared: answered by an identical fetch in flight, miss, error)',
      labelNames: ['subgraph', 'outcome'],
      registers: [registry],
    });
    this.singleFetches = new Counter({
      name: 'gateway_single_fetch_operations_total',
      help: "Operations answered with one subgraph's answer, without the gateway's query plan execution, by subgraph",
      labelNames: ['subgraph'],
      registers: [registry],
    });
    this.deprecatedUsage = new Counter({
      name: 'gateway_deprecated_usage_total',
      help: 'Operations using a deprecated field, argument, input field or enum value, by schema coordinate and client',
      labelNames: ['coordinate', 'client'],
      registers: [registry],
      collect: () => {
        for (const [coordinate, byClient] of this.deprecatedUsagePending) for (const [client, count] of byClient) this.deprecatedUsage.inc({ coordinate, client }, count);
        this.deprecatedUsagePending.clear();
      },
    });
  }

  /** `coordinate` comes from the schema and `client` from a bounded set (ClientNames), never from a raw header. */
  readonly deprecatedUse = (coordinate: string, client: string): void => {
    let byClient = this.deprecatedUsagePending.get(coordinate);
    if (!byClient) this.deprecatedUsagePending.set(coordinate, (byClient = new Map()));
    byClient.set(client, (byClient.get(client) ?? 0) + 1);
  };

  readonly singleFetch = (subgraph: string): void => {
    this.singleFetches.inc({ subgraph });
  };

  readonly cacheLookup = (subgraph: string, outcome: CacheOutcome): void => {
    this.cacheLookups.inc({ subgraph, outcome });
  };

  /** Times a request; `route` must be its route template, never the raw path. */
  track(req: IncomingMessage, res: ServerResponse, route: string): void {
    this.http.track(req, res, route);
  }

  /** Counts `error` when it is an authentication refusal (anything else is not counted here). */
  authFailed(error: unknown): void {
    if (error instanceof AuthenticationError) this.authFailures.inc({ reason: error.reason });
    else if (error instanceof AuthUnavailableError) this.authFailures.inc({ reason: 'auth_unavailable' });
  }

  loginRefused(): void {
    this.authFailures.inc({ reason: 'invalid_credentials' });
  }

  rateLimited(budget: 'user' | 'ip'): void {
    this.rateLimitRejections.inc({ budget });
  }
}
