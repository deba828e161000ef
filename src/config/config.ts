import { PlanningError } from '../platform/errors/planning-error.js';
import { join } from 'node:path';
import { z } from 'zod';
import { PROJECT_MESSAGES } from '../platform/validation/validation-messages.js';
import { CONSUMED_EVENT_TYPES, type EventTopology } from '../platform/messaging/event-bus.js';

/** Unacknowledged inbound events at once, unless `EVENTS_PREFETCH` says otherwise. */
export const DEFAULT_EVENTS_PREFETCH = 100;

/** What a port variable accepts, for every message that refuses one. */
const PORT_RULE = 'a port is an integer from 0 to 65535, 0 for any free port';

/**
 * A port variable: unset or empty is `undefined` (its default applies); anything but an integer from 0 to 65535 is
 * refused with one message quoting the value.
 */
const port = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const value = raw?.trim();
    if (value === undefined || value === '') return undefined;
    const parsed = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
    if (parsed <= 65_535) return parsed;
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(raw)} is not a port (${PORT_RULE})` });
    return z.NEVER;
  });

/** The gateway's port when `PORT` is unset. */
export const DEFAULT_GATEWAY_PORT = 4000;

/**
 * Where each other role listens when its variable is unset: `PORT` plus this, so the default 4000 gives 4001, 4002
 * and 4003, and two stacks with different `PORT`s (4000, 5000) do not collide. With `PORT=0` they are 0 too.
 */
export const PORT_OFFSETS = { PLANNING_PORT: 1, COMMS_PORT: 2, WORKER_PORT: 3 } as const;
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .refine((value) => value === undefined || protocols.some((p) => value.startsWith(`${p}://`)), {
      message: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port,
  PLANNING_PORT: port,
  PLANNING_HOST: z.string().min(1).default('127.0.0.1'),
  WORKER_PORT: port,
  DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  DATABASE_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  GATEWAY_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  GATEWAY_SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  DATABASE_PREPARED_STATEMENTS: z
    .enum(['on', 'off'], { message: "must be 'on' or 'off'" })
    .default('on'),
  PLANNING_DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_DATABASE_PORT: port,
  PLANNING_TRUST_MODE: z
    .enum(['signed', 'headers', 'jwt'], { message: "must be 'signed', 'headers' or 'jwt'" })
    .default('signed'),
  PLANNING_CONTEXT_JWKS_URL: optionalUrl(['http', 'https']),
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  SUBGRAPH_PLANNING_URL: optionalUrl(['http', 'https']),
  SUBGRAPH_COMMS_URL: optionalUrl(['http', 'https']),
  COMMS_PORT: port,
  AUTH_ISSUER: z.string().min(1).default('focus-kraliki'),
  AUTH_AUDIENCE: z.string().min(1).default('ocelot-platform'),
  AUTH_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  AUTH_PRIVATE_KEY: z.string().min(1).optional(),
  AUTH_ADDITIONAL_PUBLIC_KEYS_FILE: z.string().min(1).optional(),
  AUTH_TRUSTED_JWKS_URLS: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((u) => u.trim()).filter(Boolean))
    .refine((urls) => urls.every((u) => /^https?:\/\//.test(u)), 'must be a comma-separated list of http(s) URLs'),
  AUTH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  AUTH_MAX_TOKEN_AGE_SECONDS: z.coerce.number().int().min(60).max(30 * 86_400).default(86_400),
  AUTH_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  AUTH_VERIFIED_TOKEN_CACHE_SECONDS: z.coerce.number().int().min(0).max(600).default(60),
  REDIS_URL: optionalUrl(['redis', 'rediss']),
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default('focus-kraliki:'),
  GATEWAY_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(0),
  SHADOW_REPORT_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
  GATEWAY_COMPRESSION_MIN_BYTES: z.coerce.number().int().min(0).max(100 * 1024 * 1024).default(1024),
  GATEWAY_SINGLE_FETCH_PASSTHROUGH: z
    .enum(['on', 'off'], { message: "must be 'on' or 'off'" })
    .default('on'),
  GATEWAY_TRUSTED_DOCUMENTS_ONLY: z
    .enum(['on', 'off'], { message: "must be 'on' or 'off'" })
    .default('off'),
  GATEWAY_SHARED_READS: z
    .enum(['on', 'off'], { message: "must be 'on' or 'off'" })
    .default('on'),
  RATE_LIMIT_USER_PER_MIN: z.coerce.number().int().min(0).default(600),
  RATE_LIMIT_IP_PER_MIN: z.coerce.number().int().min(0).default(1200),
  LOGIN_ATTEMPTS_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  LOGIN_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).default(30),
  LOGIN_ATTEMPTS_PER_ACCOUNT_ALL_ADDRESSES: z.coerce.number().int().min(1).default(100),
  PLANNING_CURSOR_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  RABBITMQ_URL: optionalUrl(['amqp', 'amqps']),
  EVENTS_EXCHANGE: z.string().min(1).default('platform.events'),
  EVENTS_QUEUE: z.string().min(1).default('planning.events'),
  EVENTS_DEAD_LETTER_EXCHANGE: z.string().min(1).default('platform.events.dlx'),
  EVENTS_DEAD_LETTER_QUEUE: z.string().min(1).default('planning.events.dead'),
  EVENTS_PREFETCH: z.coerce.number().int().min(1).max(1000).default(DEFAULT_EVENTS_PREFETCH),
  EVENTS_GROUP_MAX: z.coerce.number().int().min(1).max(1000).default(50),
  EVENTS_GROUP_LANES: z.coerce.number().int().min(1).max(64).default(2),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  OUTBOX_RETENTION_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(72),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl(['http', 'https']),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
});

/**
 * Every environment variable {@link loadConfig} reads, in the order of its schema (so the list cannot drift from what
 * is parsed). The README's configuration table names each one; `test/unit/readme-config.test.ts` checks it.
 */
export const CONFIG_VARIABLES: readonly (keyof typeof envSchema.shape)[] = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];

/** The process configuration, parsed once from the environment. */
export interface Config {
  nodeEnv: 'development' | 'test' | 'production';
  isProduction: boolean;
  /** Where the gateway listens (`PORT`); 0: any free port. */
  gatewayPort: number;
  /** `PLANNING_PORT`, else `PORT` + 1 (0 when `PORT` is 0; see {@link PORT_OFFSETS}). */
  planningPort: number;
  planningHost: string;
  /** The worker's `/health`, `/ready` and `/metrics` (on `planningHost`): `WORKER_PORT`, else `PORT` + 3. */
  workerPort: number;
  /** Undefined: run on the embedded PostgreSQL (PGlite) kept in `dataDir`. */
  databaseUrl: string | undefined;
  databasePoolMax: number;
  /** Where the embedded PostgreSQL listens on loopback (0: any free port), without DATABASE_URL. */
  embeddedDatabasePort: number;
  /** Bounds on a request's statements and on waiting for a connection (see DatabaseTimeouts). */
  databaseTimeouts: { statementMs: number; acquireMs: number };
  /** How long the gateway waits for a subgraph's answer. */
  gatewaySubgraphTimeoutMs: number;
  /** How long a client may take to send a whole request to the gateway. */
  gatewayRequestTimeoutMs: number;
  /** The bearer token a scraper must send for the gateway's `/metrics` (unset: open in development, off in production). */
  metricsToken: string | undefined;
  /** List pages and counts as named prepared statements (never on the embedded database); off behind a transaction-mode pooler. */
  databasePreparedStatements: boolean;
  dataDir: string;
  trustMode: 'signed' | 'headers' | 'jwt';
  /** The gateway's JWKS, for the subgraph's `signed` mode; unset: the local key ring. */
  contextJwksUrl: string | undefined;
  gatewayHost: string;
  /** Routing URLs overriding the supergraph's, by subgraph name. */
  subgraphUrls: Record<string, string>;
  /** The comms example in the combined start: `COMMS_PORT`, else `PORT` + 2. */
  commsPort: number;
  auth: {
    issuer: string;
    audience: string;
    privateKeyFile: string | undefined;
    privateKey: string | undefined;
    additionalPublicKeysFile: string | undefined;
    trustedJwksUrls: string[];
    tokenTtlSeconds: number;
    /** The oldest (from `iat`) an accepted access token may be, and the longest lifetime it may claim. */
    maxTokenAgeSeconds: number;
    clockToleranceSeconds: number;
    /** How long the gateway reuses a token's verified signature and claims (0: verify on every request). */
    verifiedTokenCacheSeconds: number;
    /** Where development generates its key; undefined in production (a key must be configured). */
    developmentKeyDir: string | undefined;
  };
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  /** How long the gateway keeps the planning subgraph's query answers (exact invalidation on change); 0 = off. */
  gatewayCacheSeconds: number;
  /** How long a productivity report is reused at most while the org's tasks are unchanged; 0 = never. */
  shadowReportCacheSeconds: number;
  /** Whether operations planned as one subgraph fetch skip the gateway's re-execution (single-fetch-passthrough.ts). */
  gatewaySingleFetchPassthrough: boolean;
  /** Only the product's own operations run through the gateway (docs/gateway.md, "Trusted documents"). */
  gatewayTrustedDocumentsOnly: boolean;
  /** Identical reads of one caller in flight together share one subgraph fetch (GATEWAY_SHARED_READS). */
  gatewaySharedReads: boolean;
  /** GraphQL answers of at least this many bytes go out compressed (br or gzip) to clients accepting it; 0 = never. */
  gatewayCompressionMinBytes: number;
  rateLimits: { userPerMinute: number; ipPerMinute: number; loginPerAccount: number; loginPerIp: number; loginPerAccountAllAddresses: number };
  /** Key for the HMAC that makes pagination cursors tamper-evident. */
  cursorSecret: string;
  logLevel: string;
  /** OTLP/HTTP endpoint for traces; undefined: OpenTelemetry stays off. */
  otelExporterEndpoint: string | undefined;
  /** How long a stopping process lets in-flight requests finish (SIGTERM/SIGINT). */
  shutdownTimeoutMs: number;
  /** Undefined: events go through the in-process bus (single process only). */
  rabbitmqUrl: string | undefined;
  events: {
    topology: EventTopology;
    prefetch: number;
    /** The most inbound events the consumer applies in one transaction (group commit). */
    groupMax: number;
    /** How many groups commit at the same time (events partitioned by org; each lane holds a connection meanwhile). */
    groupLanes: number;
    outboxBatchSize: number;
    outboxPollMs: number;
    outboxRetentionHours: number;
  };
}

/** Thrown by {@link loadConfig} with every bad variable listed. */
export class ConfigError extends PlanningError {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const DEV_CURSOR_SECRET = 'focus-kraliki-development-cursor-key';

/**
 * Parses the environment once. Every invalid variable is reported, not just the first.
 *
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env, PROJECT_MESSAGES);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  const problems: string[] = [];
  if (isProduction && !e.PLANNING_CURSOR_SECRET) problems.push('PLANNING_CURSOR_SECRET: required in production (shared by every replica)');
  if (e.AUTH_MAX_TOKEN_AGE_SECONDS < e.AUTH_TOKEN_TTL_SECONDS) {
    problems.push(`AUTH_MAX_TOKEN_AGE_SECONDS: must be at least AUTH_TOKEN_TTL_SECONDS (${e.AUTH_TOKEN_TTL_SECONDS}), or the gateway's own tokens are refused before they expire`);
  }
  const gatewayPort = e.PORT ?? DEFAULT_GATEWAY_PORT;
  const rolePort = (variable: keyof typeof PORT_OFFSETS): number => {
    const explicit = e[variable];
    if (explicit !== undefined) return explicit;
    if (gatewayPort === 0) return 0;
    const derived = gatewayPort + PORT_OFFSETS[variable];
    if (derived > 65_535) problems.push(`${variable}: unset, so PORT + ${PORT_OFFSETS[variable]} = ${derived}, which is not a port; set ${variable} (${PORT_RULE})`);
    return derived;
  };
  const [planningPort, commsPort, workerPort] = [rolePort('PLANNING_PORT'), rolePort('COMMS_PORT'), rolePort('WORKER_PORT')];
  if (problems.length) throw new ConfigError(problems);
  return {
    nodeEnv: e.NODE_ENV,
    isProduction,
    gatewayPort,
    planningPort,
    planningHost: e.PLANNING_HOST,
    workerPort,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    databaseTimeouts: { statementMs: e.DATABASE_STATEMENT_TIMEOUT_MS, acquireMs: e.DATABASE_ACQUIRE_TIMEOUT_MS },
    gatewaySubgraphTimeoutMs: e.GATEWAY_SUBGRAPH_TIMEOUT_MS,
    gatewayRequestTimeoutMs: e.GATEWAY_REQUEST_TIMEOUT_MS,
    metricsToken: e.METRICS_TOKEN,
    databasePreparedStatements: e.DATABASE_PREPARED_STATEMENTS === 'on',
    dataDir: e.PLANNING_DATA_DIR,
    embeddedDatabasePort: e.EMBEDDED_DATABASE_PORT ?? 0,
    trustMode: e.PLANNING_TRUST_MODE,
    contextJwksUrl: e.PLANNING_CONTEXT_JWKS_URL,
    gatewayHost: e.GATEWAY_HOST,
    subgraphUrls: Object.fromEntries(
      Object.entries({ planning: e.SUBGRAPH_PLANNING_URL, comms: e.SUBGRAPH_COMMS_URL }).filter((pair): pair is [string, string] => !!pair[1]),
    ),
    commsPort,
    auth: {
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      privateKeyFile: e.AUTH_PRIVATE_KEY_FILE,
      privateKey: e.AUTH_PRIVATE_KEY,
      additionalPublicKeysFile: e.AUTH_ADDITIONAL_PUBLIC_KEYS_FILE,
      trustedJwksUrls: e.AUTH_TRUSTED_JWKS_URLS,
      tokenTtlSeconds: e.AUTH_TOKEN_TTL_SECONDS,
      maxTokenAgeSeconds: e.AUTH_MAX_TOKEN_AGE_SECONDS,
      clockToleranceSeconds: e.AUTH_CLOCK_TOLERANCE_SECONDS,
      verifiedTokenCacheSeconds: e.AUTH_VERIFIED_TOKEN_CACHE_SECONDS,
      developmentKeyDir: isProduction ? undefined : join(e.PLANNING_DATA_DIR, 'keys'),
    },
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    gatewayCacheSeconds: e.GATEWAY_CACHE_SECONDS,
    shadowReportCacheSeconds: e.SHADOW_REPORT_CACHE_SECONDS,
    gatewaySingleFetchPassthrough: e.GATEWAY_SINGLE_FETCH_PASSTHROUGH === 'on',
    gatewayTrustedDocumentsOnly: e.GATEWAY_TRUSTED_DOCUMENTS_ONLY === 'on',
    gatewaySharedReads: e.GATEWAY_SHARED_READS === 'on',
    gatewayCompressionMinBytes: e.GATEWAY_COMPRESSION_MIN_BYTES,
    rateLimits: {
      userPerMinute: e.RATE_LIMIT_USER_PER_MIN,
      ipPerMinute: e.RATE_LIMIT_IP_PER_MIN,
      loginPerAccount: e.LOGIN_ATTEMPTS_PER_ACCOUNT,
      loginPerIp: e.LOGIN_ATTEMPTS_PER_IP,
      loginPerAccountAllAddresses: e.LOGIN_ATTEMPTS_PER_ACCOUNT_ALL_ADDRESSES,
    },
    cursorSecret: e.PLANNING_CURSOR_SECRET ?? DEV_CURSOR_SECRET,
    logLevel: e.LOG_LEVEL,
    otelExporterEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    rabbitmqUrl: e.RABBITMQ_URL,
    events: {
      topology: {
        exchange: e.EVENTS_EXCHANGE,
        queue: e.EVENTS_QUEUE,
        deadLetterExchange: e.EVENTS_DEAD_LETTER_EXCHANGE,
        deadLetterQueue: e.EVENTS_DEAD_LETTER_QUEUE,
        bindings: [...CONSUMED_EVENT_TYPES],
      },
      prefetch: e.EVENTS_PREFETCH,
      groupMax: e.EVENTS_GROUP_MAX,
      groupLanes: e.EVENTS_GROUP_LANES,
      outboxBatchSize: e.OUTBOX_BATCH_SIZE,
      outboxPollMs: e.OUTBOX_POLL_MS,
      outboxRetentionHours: e.OUTBOX_RETENTION_HOURS,
    },
  };
}
