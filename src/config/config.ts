import { z } from 'zod';
import { CONSUMED_EVENT_TYPES, type EventTopology } from '../platform/messaging/event-bus.js';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
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
  PORT: port(4000),
  PLANNING_PORT: port(4001),
  PLANNING_HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  PLANNING_DATA_DIR: z.string().min(1).default('.data'),
  PLANNING_TRUST_MODE: z
    .enum(['headers'], { message: "must be 'headers' (the 'signed' and 'jwt' modes arrive with the gateway)" })
    .default('headers'),
  PLANNING_CURSOR_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  RABBITMQ_URL: optionalUrl(['amqp', 'amqps']),
  EVENTS_EXCHANGE: z.string().min(1).default('platform.events'),
  EVENTS_QUEUE: z.string().min(1).default('planning.events'),
  EVENTS_DEAD_LETTER_EXCHANGE: z.string().min(1).default('platform.events.dlx'),
  EVENTS_DEAD_LETTER_QUEUE: z.string().min(1).default('planning.events.dead'),
  EVENTS_PREFETCH: z.coerce.number().int().min(1).max(1000).default(20),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  OUTBOX_RETENTION_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(72),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** The process configuration, parsed once from the environment. */
export interface Config {
  nodeEnv: 'development' | 'test' | 'production';
  isProduction: boolean;
  gatewayPort: number;
  planningPort: number;
  planningHost: string;
  /** Undefined: run on the embedded PostgreSQL (PGlite) kept in `dataDir`. */
  databaseUrl: string | undefined;
  databasePoolMax: number;
  dataDir: string;
  trustMode: 'headers';
  /** Key for the HMAC that makes pagination cursors tamper-evident. */
  cursorSecret: string;
  logLevel: string;
  /** Undefined: events go through the in-process bus (single process only). */
  rabbitmqUrl: string | undefined;
  events: {
    topology: EventTopology;
    prefetch: number;
    outboxBatchSize: number;
    outboxPollMs: number;
    outboxRetentionHours: number;
  };
}

/** Thrown by {@link loadConfig} with every bad variable listed. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
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
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  if (isProduction && !e.PLANNING_CURSOR_SECRET) {
    throw new ConfigError(['PLANNING_CURSOR_SECRET: required in production (shared by every replica)']);
  }
  return {
    nodeEnv: e.NODE_ENV,
    isProduction,
    gatewayPort: e.PORT,
    planningPort: e.PLANNING_PORT,
    planningHost: e.PLANNING_HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    dataDir: e.PLANNING_DATA_DIR,
    trustMode: e.PLANNING_TRUST_MODE,
    cursorSecret: e.PLANNING_CURSOR_SECRET ?? DEV_CURSOR_SECRET,
    logLevel: e.LOG_LEVEL,
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
      outboxBatchSize: e.OUTBOX_BATCH_SIZE,
      outboxPollMs: e.OUTBOX_POLL_MS,
      outboxRetentionHours: e.OUTBOX_RETENTION_HOURS,
    },
  };
}
