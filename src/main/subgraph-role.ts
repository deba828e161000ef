import type { Config } from '../config/config.js';
import type { Database } from '../platform/db/database.js';
import type { Logger } from '../platform/logging/logger.js';
import {
  type CallerResolver,
  HeaderCallerResolver,
  JwtCallerResolver,
  SignedContextCallerResolver,
} from '../subgraph/caller-from-request.js';
import type { KeyRing } from '../platform/identity/signing-keys.js';
import { TokenVerifier } from '../platform/identity/token-verifier.js';
import { CONTEXT_CLOCK_TOLERANCE_SECONDS, CONTEXT_TTL_SECONDS } from '../platform/identity/platform-context.js';
import { InProcessContextReplayGuard, RedisContextReplayGuard } from '../subgraph/context-replay-guard.js';
import { accessTokenVerifier, redisFor, revocationStoreFor } from './identity-setup.js';
import { dependencyReadiness } from './readiness-checks.js';
import type { EventBus } from '../platform/messaging/event-bus.js';
import { type PlanningSubgraphOptions, startPlanningSubgraph } from '../subgraph/planning-server.js';
import { createMetricsRegistry } from '../platform/metrics/metrics-registry.js';
import type { PlanningDataCache } from '../platform/cache/planning-data-cache.js';
import { flowMemoryStoreFor } from './planning-features-setup.js';

/**
 * How a subgraph of this process learns the caller, per `PLANNING_TRUST_MODE`; `audience` names the subgraph the
 * gateway signs its context for (`planning`, or `comms` for the example).
 */
export function callerResolverFor(config: Config, keys: KeyRing | undefined, logger: Logger, audience = 'planning'): CallerResolver {
  if (config.trustMode === 'headers') return new HeaderCallerResolver();
  if (config.trustMode === 'jwt') {
    // Revocations are shared through Redis; without it a standalone subgraph cannot see the gateway's logouts.
    const revocations = config.redisUrl ? revocationStoreFor(redisFor(config, logger)) : undefined;
    return new JwtCallerResolver(accessTokenVerifier(config, keys!), revocations);
  }
  const verifier = new TokenVerifier({
    issuer: config.auth.issuer,
    audience,
    clockToleranceSeconds: CONTEXT_CLOCK_TOLERANCE_SECONDS,
    maxTokenAgeSeconds: CONTEXT_TTL_SECONDS,
    localJwks: config.contextJwksUrl ? { keys: [] } : keys!.jwks,
    trustedJwksUrls: config.contextJwksUrl ? [config.contextJwksUrl] : [],
  });
  const replays = config.redisUrl ? new RedisContextReplayGuard(redisFor(config, logger)!) : new InProcessContextReplayGuard();
  return new SignedContextCallerResolver(verifier, audience, replays);
}

/** Composition root of the planning subgraph role: caller trust mode and HTTP server over the given database. */
export async function startSubgraphRole(
  config: Config,
  logger: Logger,
  database: Database,
  extraRoutes?: PlanningSubgraphOptions['extraRoutes'],
  keys?: KeyRing,
  /** The worker's bus when it runs in this process: RabbitMQ joins the readiness checks. */
  bus?: EventBus,
  /** Where committed changes are announced (the gateway's answer cache); productivity reports are kept there too. */
  dataVersions?: PlanningDataCache,
) {
  const flowMemory = flowMemoryStoreFor(config, logger);
  const subgraph = await startPlanningSubgraph({
    orm: database.orm,
    callers: callerResolverFor(config, keys, logger),
    cursorSecret: config.cursorSecret,
    logger,
    isProduction: config.isProduction,
    port: config.planningPort,
    host: config.planningHost,
    extraRoutes,
    metrics: createMetricsRegistry('subgraph'),
    readiness: dependencyReadiness({ database, bus }),
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    createWaitMs: config.databaseTimeouts.acquireMs,
    dataVersions,
    features: {
      flowMemoryStore: flowMemory.store,
      reportCache: config.shadowReportCacheSeconds > 0 ? dataVersions : undefined,
      reportCacheSeconds: config.shadowReportCacheSeconds,
    },
  });
  logger.info(
    { url: subgraph.url, database: database.mode, location: database.location, trustMode: config.trustMode, flowMemory: flowMemory.store.kind },
    `planning subgraph listening on ${subgraph.url}`,
  );
  return subgraph;
}
