import { readFile } from 'node:fs/promises';
import type { Config } from '../config/config.js';
import { LoginAttemptLimiter, LoginService } from '../gateway/auth/login.service.js';
import { type GatewayOptions, startGateway } from '../gateway/gateway-server.js';
import { RequestLimits } from '../gateway/limits/request-limits.js';
import { subgraphRoutingUrls } from '../gateway/module-health.js';
import { restRouteTemplates, restShimRoutes } from '../gateway/rest/rest-shim.js';
import { createMetricsRegistry } from '../platform/metrics/metrics-registry.js';
import { hashPassword } from '../modules/users/password.js';
import { UserRepository } from '../modules/users/user.repository.js';
import type { Database } from '../platform/db/database.js';
import type { KeyRing } from '../platform/identity/signing-keys.js';
import { TokenIssuer } from '../platform/identity/token-issuer.js';
import type { Logger } from '../platform/logging/logger.js';
import { accessTokenVerifier, redisFor, revocationStoreFor } from './identity-setup.js';
import { dependencyReadiness } from './readiness-checks.js';
import type { SubgraphAnswerStore } from '../platform/cache/planning-data-cache.js';
import { DeprecatedUsageRecorder, InProcessDeprecatedUsageStore, RedisDeprecatedUsageStore } from '../gateway/deprecations/deprecated-usage-store.js';
import { SUPERGRAPH_FILE } from './supergraph-file.js';

export const DEMO_USER = { email: 'test@example.com', password: 'password', orgId: 'demo', roles: ['admin' as const] };

/** Composition root of the gateway role. */
export async function startGatewayRole(
  config: Config,
  logger: Logger,
  database: Database,
  keys: KeyRing,
  extraRoutes?: GatewayOptions['extraRoutes'],
  /** The answer cache's store; used when GATEWAY_CACHE_SECONDS > 0. */
  answers?: SubgraphAnswerStore,
) {
  const redis = redisFor(config, logger);
  const users = new UserRepository(database.orm);
  const development = database.mode === 'embedded' && !config.isProduction;
  if (development && (await users.count()) === 0) {
    await users.add({ email: DEMO_USER.email, passwordHash: await hashPassword(DEMO_USER.password), orgId: DEMO_USER.orgId, roles: DEMO_USER.roles });
    logger.warn({ email: DEMO_USER.email, org: DEMO_USER.orgId }, 'created the development demo user (password: "password")');
  }
  // /docs offers the demo login only where the demo user exists.
  const offersDemoLogin = development && (await users.findByEmail(DEMO_USER.email)) !== null;
  const supergraphSdl = await readFile(SUPERGRAPH_FILE, 'utf8');
  // Where the gateway fetches from, and what its /ready asks: the supergraph's routing URLs under SUBGRAPH_*_URL.
  const routingUrls = subgraphRoutingUrls(supergraphSdl, config.subgraphUrls);
  const gateway = await startGateway({
    supergraphSdl,
    subgraphUrls: config.subgraphUrls,
    keys,
    issuer: config.auth.issuer,
    verifier: accessTokenVerifier(config, keys),
    revocations: revocationStoreFor(redis),
    limits: new RequestLimits({ perUser: config.rateLimits.userPerMinute, perIp: config.rateLimits.ipPerMinute, redis }),
    login: new LoginService(
      users,
      new TokenIssuer(keys.current, config.auth.issuer, config.auth.audience),
      new LoginAttemptLimiter({
        perAccount: config.rateLimits.loginPerAccount,
        perIp: config.rateLimits.loginPerIp,
        perAccountAllAddresses: config.rateLimits.loginPerAccountAllAddresses,
        redis,
      }),
      config.auth.tokenTtlSeconds,
    ),
    clockToleranceSeconds: config.auth.clockToleranceSeconds,
    subgraphTimeoutMs: config.gatewaySubgraphTimeoutMs,
    requestTimeoutMs: config.gatewayRequestTimeoutMs,
    verifiedTokenCacheSeconds: config.auth.verifiedTokenCacheSeconds,
    singleFetchPassthrough: config.gatewaySingleFetchPassthrough,
    trustedDocumentsOnly: config.gatewayTrustedDocumentsOnly,
    // Every replica adds its counts to one Redis hash, which `contracts:usage` prints.
    deprecationUsage: new DeprecatedUsageRecorder(redis ? new RedisDeprecatedUsageStore(redis) : new InProcessDeprecatedUsageStore(), { logger }),
    sharedReads: config.gatewaySharedReads,
    compressionMinBytes: config.gatewayCompressionMinBytes,
    answerCache: answers && config.gatewayCacheSeconds > 0 ? { store: answers, ttlSeconds: config.gatewayCacheSeconds } : undefined,
    logger,
    isProduction: config.isProduction,
    port: config.gatewayPort,
    host: config.gatewayHost,
    // Ready when it can check tokens (Redis: revocations, limits), log users in (PostgreSQL: platform_users) and
    // reach every subgraph it routes to.
    readiness: dependencyReadiness({ database, redis, subgraphs: routingUrls }),
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    metrics: { registry: createMetricsRegistry('gateway'), routeTemplates: restRouteTemplates(), access: metricsAccessOf(config, logger) },
    // The REST shim and its docs, then any routes the caller adds.
    extraRoutes: (pipeline) => ({ ...restShimRoutes(pipeline, logger, offersDemoLogin ? { demoLogin: DEMO_USER } : {}), ...extraRoutes?.(pipeline) }),
  });
  logger.info({ url: gateway.url, routing: routingUrls, redis: redis ? 'redis' : 'in-process' }, `gateway listening on ${gateway.url}`);
  return {
    gateway,
    /** Where the gateway reaches each subgraph, by name. */
    routingUrls,
    async stop(deadline?: number) {
      await gateway.stop(deadline);
      redis?.disconnect();
    },
  };
}

/** `/metrics` on the public port: behind METRICS_TOKEN when set; else open in development and off in production. */
function metricsAccessOf(config: Config, logger: Logger): 'open' | 'off' | { token: string } {
  if (config.metricsToken) return { token: config.metricsToken };
  if (!config.isProduction) return 'open';
  logger.warn('the gateway serves no /metrics: set METRICS_TOKEN and scrape with Authorization: Bearer <token>');
  return 'off';
}
