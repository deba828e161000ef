import { PLANNING_ENTITIES } from '../../src/modules/planning-entities.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import type { MikroORM } from '@mikro-orm/postgresql';
import { type CallEventSource, startCommsSubgraph } from '../../src/examples/comms/comms.subgraph.js';
import { LoginAttemptLimiter, LoginService } from '../../src/gateway/auth/login.service.js';
import { InProcessRevocationStore, RedisRevocationStore, type RevocationStore } from '../../src/gateway/auth/revocation-store.js';
import { startGateway, type RunningGateway } from '../../src/gateway/gateway-server.js';
import { RequestLimits } from '../../src/gateway/limits/request-limits.js';
import { restRouteTemplates, restShimRoutes } from '../../src/gateway/rest/rest-shim.js';
import type { Registry } from 'prom-client';
import { SUPERGRAPH_FILE } from '../../src/main/supergraph-file.js';
import type { Role } from '../../src/modules/common/caller.js';
import { hashPassword } from '../../src/modules/users/password.js';
import { UserRepository } from '../../src/modules/users/user.repository.js';
import { migrateToLatest, openOrm } from '../../src/platform/db/orm.js';
import { generatePrivateKeyPem, loadKeyRing, type KeyRing } from '../../src/platform/identity/signing-keys.js';
import { TokenIssuer } from '../../src/platform/identity/token-issuer.js';
import { TokenVerifier } from '../../src/platform/identity/token-verifier.js';
import { createLogger, type Logger } from '../../src/platform/logging/logger.js';
import { createRedisClient } from '../../src/platform/redis/redis-client.js';
import {
  InProcessPlanningDataCache,
  type PlanningDataCache,
  RedisPlanningDataCache,
} from '../../src/platform/cache/planning-data-cache.js';
import { SignedContextCallerResolver } from '../../src/subgraph/caller-from-request.js';
import { startPlanningSubgraph, type RunningPlanningSubgraph } from '../../src/subgraph/planning-server.js';
import { redisReady, serviceSettings } from './services.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { CONTEXT_CLOCK_TOLERANCE_SECONDS, CONTEXT_TTL_SECONDS } from '../../src/platform/identity/platform-context.js';
import { InProcessContextReplayGuard, RedisContextReplayGuard } from '../../src/subgraph/context-replay-guard.js';
import { RedisFlowMemoryStore } from '../../src/modules/flow-memory/redis-flow-memory.store.js';
import type { PlanningFeatures } from '../../src/subgraph/planning-features.js';
import {
  DeprecatedUsageRecorder,
  InProcessDeprecatedUsageStore,
  RedisDeprecatedUsageStore,
} from '../../src/gateway/deprecations/deprecated-usage-store.js';

export const TEST_ISSUER = 'focus-kraliki';
export const TEST_AUDIENCE = 'ocelot-platform';

export interface PlatformOptions {
  /** Budgets in cost units per minute (0 = off). Defaults are high enough never to bite. */
  rateLimits?: { perUser?: number; perIp?: number };
  loginLimits?: { perAccount?: number; perIp?: number; perAccountAllAddresses?: number };
  /** Rewrites the Redis URL (e.g. through a TCP proxy the test controls). */
  redisUrlOverride?: (url: string) => string | Promise<string>;
  /** Rewrites the database URL the gateway and subgraph connect through (e.g. a TCP proxy's). */
  databaseUrlOverride?: (url: string) => string | Promise<string>;
  trustedJwksUrls?: string[];
  additionalPublicKeysFile?: string;
  /** Use this key ring instead of a fresh one (key rotation tests). */
  keys?: KeyRing;
  isProduction?: boolean;
  /** Registries for the gateway's and the planning subgraph's metrics (served at their `/metrics`). */
  metrics?: { gateway?: Registry; planning?: Registry; gatewayAccess?: 'open' | 'off' | { token: string } };
  /** The gateway's and the subgraph's logger (tests capture lines with it); silent by default. */
  logger?: Logger;
  /**
   * The gateway's answer cache for planning queries, in seconds (0 = off). On by default, so every suite going
   * through the gateway also checks that no answer outlives a change.
   */
  answerCacheSeconds?: number;
  /** The gateway's single-fetch pass-through (default on, as in production). */
  singleFetchPassthrough?: boolean;
  /** Answers of at least this many bytes are compressed for clients accepting it (default 1024, as in production). */
  compressionMinBytes?: number;
  /** Statement and connection timeouts of the subgraph's database connections (none by default). */
  databaseTimeouts?: { statementMs: number; acquireMs: number };
  /** How long the gateway waits for a subgraph's answer (the gateway's default when unset). */
  subgraphTimeoutMs?: number;
  /** How long a client may take to send a request to the gateway (the gateway's default when unset). */
  requestTimeoutMs?: number;
  /**
   * Shadow AI's and Flow Memory's stores and clock. By default Flow Memory is on Redis (a client of its own under
   * this platform's prefix, through `redisUrlOverride`) when `REDIS_URL` is set, and reports are cached in `dataCache`.
   */
  features?: PlanningFeatures;
  /** The development demo user `/docs` offers (none by default, as on a real database). */
  demoLogin?: { email: string; password: string };
  /** The supergraph the gateway serves (default: the committed one). */
  supergraphSdl?: string;
  /** The gateway's trusted-documents mode (default off). */
  trustedDocumentsOnly?: boolean;
  /** Where the comms example hears `comms.call.ended` events (an event harness's); none by default, so it knows no call. */
  commsEvents?: CallEventSource;
}

export interface GraphQLHttpResult {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * The whole request path on real services: gateway (auth, revocation, limits, signed context) in front of the
 * planning subgraph in `signed` mode on this file's own database, plus the comms example subgraph. Redis when
 * `REDIS_URL` is set (keys under a prefix of this file's own), else the in-process stores.
 */
export interface TestPlatform {
  gateway: RunningGateway;
  planning: RunningPlanningSubgraph;
  comms: Awaited<ReturnType<typeof startCommsSubgraph>>;
  keys: KeyRing;
  orm: MikroORM;
  database: TestDatabase;
  redis: Redis | undefined;
  revocations: RevocationStore;
  /** The key prefix of this platform's Redis keys. */
  redisPrefix: string;
  /** The gateway's deprecated-usage counts (Redis under this platform's prefix, or in-process); `flush()` stores them. */
  deprecationUsage: DeprecatedUsageRecorder;
  /** The planning data versions and cached answers (Redis under this platform's prefix, or in-process). */
  dataCache: PlanningDataCache;
  /** Signs an access token with the gateway's key (claims overridable; `null` drops a claim). */
  mintToken(claims?: Partial<{ sub: string | null; org_id: string | null; roles: Role[]; ttl: number; client: string }>): Promise<string>;
  /** POSTs a GraphQL request to the gateway with `Authorization: Bearer <token>` (none when token is null). */
  gql(token: string | null, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLHttpResult>;
  addUser(user: { email: string; password: string; orgId: string; roles: Role[] }): Promise<void>;
  close(): Promise<void>;
}

export async function startTestPlatform(options: PlatformOptions = {}): Promise<TestPlatform> {
  const logger = options.logger ?? createLogger('silent');
  const database = await createTestDatabase();
  const clientUrl = options.databaseUrlOverride ? await options.databaseUrlOverride(database.url) : database.url;
  const orm = await openOrm({ entities: PLANNING_ENTITIES,
    clientUrl,
    poolMax: database.kind === 'embedded' ? 1 : 5,
    preparedReads: database.kind !== 'embedded',
    timeouts: options.databaseTimeouts && { ...options.databaseTimeouts, serverSide: database.kind !== 'embedded' },
  });
  await migrateToLatest(orm);
  const keys = options.keys ?? (await loadKeyRing({ privateKey: generatePrivateKeyPem(), additionalPublicKeysFile: options.additionalPublicKeysFile }));

  const { redisUrl } = serviceSettings();
  const redisPrefix = `test:${randomBytes(4).toString('hex')}:`;
  const effectiveRedisUrl = redisUrl && (options.redisUrlOverride ? await options.redisUrlOverride(redisUrl) : redisUrl);
  const redis = effectiveRedisUrl ? createRedisClient(effectiveRedisUrl, { keyPrefix: redisPrefix, logger }) : undefined;
  if (redis) await redisReady(redis);
  const memoryRedis = effectiveRedisUrl && !options.features?.flowMemoryStore ? createRedisClient(effectiveRedisUrl, { keyPrefix: redisPrefix, logger }) : undefined;
  if (memoryRedis) await redisReady(memoryRedis);
  const revocations: RevocationStore = redis ? new RedisRevocationStore(redis) : new InProcessRevocationStore();
  const dataCache: PlanningDataCache = redis ? new RedisPlanningDataCache(redis, `test:${randomUUID()}`) : new InProcessPlanningDataCache();
  const answerCacheSeconds = options.answerCacheSeconds ?? 60;
  const deprecationUsage = new DeprecatedUsageRecorder(redis ? new RedisDeprecatedUsageStore(redis) : new InProcessDeprecatedUsageStore(), { logger });

  const contextVerifier = new TokenVerifier({
    issuer: TEST_ISSUER,
    audience: 'planning',
    clockToleranceSeconds: CONTEXT_CLOCK_TOLERANCE_SECONDS,
    maxTokenAgeSeconds: CONTEXT_TTL_SECONDS,
    localJwks: keys.jwks,
  });
  const planning = await startPlanningSubgraph({
    orm,
    callers: new SignedContextCallerResolver(contextVerifier, 'planning', redis ? new RedisContextReplayGuard(redis) : new InProcessContextReplayGuard()),
    cursorSecret: 'test-cursor-secret-0123456789',
    logger,
    isProduction: false,
    port: 0,
    host: '127.0.0.1',
    metrics: options.metrics?.planning,
    dataVersions: dataCache,
    createWaitMs: options.databaseTimeouts?.acquireMs,
    features: { flowMemoryStore: memoryRedis && new RedisFlowMemoryStore(memoryRedis), reportCache: dataCache, ...options.features },
  });
  const commsVerifier = new TokenVerifier({
    issuer: TEST_ISSUER,
    audience: 'comms',
    clockToleranceSeconds: CONTEXT_CLOCK_TOLERANCE_SECONDS,
    maxTokenAgeSeconds: CONTEXT_TTL_SECONDS,
    localJwks: keys.jwks,
  });
  const comms = await startCommsSubgraph({ port: 0, callers: new SignedContextCallerResolver(commsVerifier, 'comms'), events: options.commsEvents });
  const verifier = new TokenVerifier({
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    clockToleranceSeconds: 30,
    localJwks: keys.jwks,
    trustedJwksUrls: options.trustedJwksUrls,
  });
  const users = new UserRepository(orm);
  const issuer = new TokenIssuer(keys.current, TEST_ISSUER, TEST_AUDIENCE);
  const gateway = await startGateway({
    supergraphSdl: options.supergraphSdl ?? (await readFile(SUPERGRAPH_FILE, 'utf8')),
    subgraphUrls: { planning: planning.url, comms: comms.url },
    keys,
    issuer: TEST_ISSUER,
    verifier,
    revocations,
    limits: new RequestLimits({
      perUser: options.rateLimits?.perUser ?? 100_000,
      perIp: options.rateLimits?.perIp ?? 100_000,
      redis,
      keyPrefix: `rl-${randomBytes(3).toString('hex')}`,
    }),
    login: new LoginService(
      users,
      issuer,
      new LoginAttemptLimiter({
        perAccount: options.loginLimits?.perAccount ?? 1000,
        perIp: options.loginLimits?.perIp ?? 1000,
        perAccountAllAddresses: options.loginLimits?.perAccountAllAddresses,
        redis,
      }),
      900,
    ),
    clockToleranceSeconds: 30,
    // The production default: every gateway suite runs with verified tokens reused (revocation still per request).
    verifiedTokenCacheSeconds: 60,
    singleFetchPassthrough: options.singleFetchPassthrough,
    trustedDocumentsOnly: options.trustedDocumentsOnly,
    deprecationUsage,
    compressionMinBytes: options.compressionMinBytes ?? 1024,
    answerCache: answerCacheSeconds > 0 ? { store: dataCache, ttlSeconds: answerCacheSeconds } : undefined,
    subgraphTimeoutMs: options.subgraphTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
    logger,
    isProduction: options.isProduction ?? false,
    port: 0,
    host: '127.0.0.1',
    extraRoutes: (pipeline) => restShimRoutes(pipeline, logger, { demoLogin: options.demoLogin }),
    metrics: options.metrics?.gateway && { registry: options.metrics.gateway, routeTemplates: restRouteTemplates(), access: options.metrics.gatewayAccess },
  });

  return {
    gateway,
    planning,
    comms,
    keys,
    orm,
    database,
    redis,
    redisPrefix,
    deprecationUsage,
    revocations,
    dataCache,
    async mintToken(claims = {}) {
      const { token } = await issuer.issue({
        sub: claims.sub === undefined ? `user-${randomUUID().slice(0, 8)}` : (claims.sub as string),
        orgId: claims.org_id === undefined ? `org-${randomUUID().slice(0, 8)}` : (claims.org_id as string),
        roles: claims.roles ?? ['member'],
        ttlSeconds: claims.ttl ?? 900,
        client: claims.client,
      });
      return token;
    },
    async gql(token, query, variables, headers = {}) {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, headers: response.headers, body };
    },
    async addUser(user) {
      await users.add({ email: user.email, passwordHash: await hashPassword(user.password), orgId: user.orgId, roles: user.roles });
    },
    async close() {
      await gateway.stop();
      await planning.stop();
      await comms.stop();
      redis?.disconnect();
      await orm.close(true);
      await database.drop();
    },
  };
}
