import type { Redis } from 'ioredis';
import { createLogger, type Logger } from '../platform/logging/logger.js';
import { DEFAULT_TOPOLOGY, type EventTopology } from '../platform/messaging/event-bus.js';
import { PlanningModuleError } from './planning-module-error.js';
import type { PlanningAuthOptions, PlanningCallerSource, PlanningModuleOptions } from './planning-module.types.js';

/** The development cursor key, as the CLI's (refused in production). */
const DEVELOPMENT_CURSOR_SECRET = 'focus-kraliki-development-cursor-key';

/** The options with every default applied. */
export interface ResolvedOptions {
  platformMode: boolean;
  caller: PlanningCallerSource | undefined;
  auth: Required<Omit<PlanningAuthOptions, 'jwks'>> & { jwks: PlanningAuthOptions['jwks'] };
  database: { url: string | undefined; dataDir: string; poolMax: number; statementTimeoutMs: number; acquireTimeoutMs: number };
  redis: { url: string; keyPrefix: string } | { client: Redis } | undefined;
  rateLimits: { userPerMinute: number; ipPerMinute: number };
  cursorSecret: string;
  logger: Logger;
  production: boolean;
  events: { groupMax: number; groupLanes: number; prefetch: number };
  outbox: { batchSize: number; pollMs: number; retentionHours: number };
  eventPublisher: PlanningModuleOptions['eventPublisher'];
  rabbitmq: { url: string; topology: EventTopology } | undefined;
}

/**
 * Applies the defaults and checks everything at once: a bad option list names every problem (one
 * {@link PlanningModuleError} `INVALID_OPTIONS`), before anything is opened.
 */
export function resolveOptions(options: PlanningModuleOptions): ResolvedOptions {
  const problems: string[] = [];
  const platformMode = options.platformMode === true;
  const production = options.production ?? process.env.NODE_ENV === 'production';

  if (platformMode) {
    if (options.caller === undefined) problems.push("caller: required in platform mode (a function of the request giving the host's verified caller, or 'headers')");
    else if (options.caller !== 'headers' && typeof options.caller !== 'function') problems.push("caller: must be a function or 'headers'");
  } else {
    if (options.caller !== undefined) problems.push('caller: only in platform mode (platformMode: true); standalone, the module verifies bearer tokens');
    if (!options.auth?.jwks && !options.auth?.jwksUrls?.length) problems.push('auth: standalone mode needs the token issuer\'s keys (auth.jwks or auth.jwksUrls); or set platformMode: true');
  }
  for (const url of options.auth?.jwksUrls ?? []) if (!/^https?:\/\//.test(url)) problems.push(`auth.jwksUrls: ${JSON.stringify(url)} is not an http(s) URL`);

  const database = typeof options.database === 'string' ? { url: options.database } : (options.database ?? {});
  if (database.url !== undefined && !/^postgres(ql)?:\/\//.test(database.url)) problems.push('database.url: must start with postgres:// or postgresql://');
  const positive = (name: string, value: number | undefined, fallback: number, min = 1) => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < min) problems.push(`${name}: must be an integer of at least ${min}`);
    return value;
  };

  let redis: ResolvedOptions['redis'];
  if (typeof options.redis === 'string') redis = { url: options.redis, keyPrefix: 'focus-kraliki:' };
  else if (options.redis && 'url' in options.redis && typeof options.redis.url === 'string') redis = { url: options.redis.url, keyPrefix: options.redis.keyPrefix ?? 'focus-kraliki:' };
  else if (options.redis) redis = { client: options.redis as Redis };
  if (redis && 'url' in redis && !/^rediss?:\/\//.test(redis.url)) problems.push('redis: must be a redis:// or rediss:// URL, { url, keyPrefix }, or an ioredis client');

  const rabbitmq = typeof options.rabbitmq === 'string' ? { url: options.rabbitmq } : options.rabbitmq;
  if (rabbitmq !== undefined && !/^amqps?:\/\//.test(rabbitmq.url)) problems.push('rabbitmq: must be an amqp:// or amqps:// URL, or { url, ... }');
  if (options.eventPublisher && typeof options.eventPublisher.publish !== 'function') problems.push('eventPublisher: must have a publish(event, delivery) function');
  if (options.eventPublisher && rabbitmq) problems.push('rabbitmq: not with an eventPublisher (the host\'s bus replaces RabbitMQ)');

  if (options.cursorSecret !== undefined && options.cursorSecret.length < 16) problems.push('cursorSecret: must be at least 16 characters');
  if (production && !options.cursorSecret) problems.push('cursorSecret: required in production (the same on every replica)');

  const limitDefault = platformMode ? 0 : undefined;
  const rateLimits = {
    userPerMinute: positive('rateLimits.userPerMinute', options.rateLimits?.userPerMinute, limitDefault ?? 600, 0),
    ipPerMinute: positive('rateLimits.ipPerMinute', options.rateLimits?.ipPerMinute, limitDefault ?? 1200, 0),
  };
  const resolved: ResolvedOptions = {
    platformMode,
    caller: options.caller,
    auth: {
      issuer: options.auth?.issuer ?? 'focus-kraliki',
      audience: options.auth?.audience ?? 'ocelot-platform',
      jwks: options.auth?.jwks,
      jwksUrls: options.auth?.jwksUrls ?? [],
      clockToleranceSeconds: positive('auth.clockToleranceSeconds', options.auth?.clockToleranceSeconds, 30, 0),
      maxTokenAgeSeconds: positive('auth.maxTokenAgeSeconds', options.auth?.maxTokenAgeSeconds, 86_400, 60),
    },
    database: {
      url: database.url,
      dataDir: database.dataDir ?? '.data',
      poolMax: positive('database.poolMax', database.poolMax, 10),
      statementTimeoutMs: positive('database.statementTimeoutMs', database.statementTimeoutMs, 10_000, 100),
      acquireTimeoutMs: positive('database.acquireTimeoutMs', database.acquireTimeoutMs, 5_000, 100),
    },
    redis,
    rateLimits,
    cursorSecret: options.cursorSecret ?? DEVELOPMENT_CURSOR_SECRET,
    logger: typeof options.logger === 'object' ? options.logger : createLogger(options.logger ?? process.env.LOG_LEVEL ?? 'info'),
    production,
    events: {
      groupMax: positive('events.groupMax', options.events?.groupMax, 50),
      groupLanes: positive('events.groupLanes', options.events?.groupLanes, 2),
      prefetch: positive('events.prefetch', options.events?.prefetch, 100),
    },
    outbox: {
      batchSize: positive('outbox.batchSize', options.outbox?.batchSize, 500),
      pollMs: positive('outbox.pollMs', options.outbox?.pollMs, 1000, 10),
      retentionHours: positive('outbox.retentionHours', options.outbox?.retentionHours, 72),
    },
    eventPublisher: options.eventPublisher,
    rabbitmq: rabbitmq && {
      url: rabbitmq.url,
      topology: {
        exchange: rabbitmq.exchange ?? DEFAULT_TOPOLOGY.exchange,
        queue: rabbitmq.queue ?? DEFAULT_TOPOLOGY.queue,
        deadLetterExchange: rabbitmq.deadLetterExchange ?? DEFAULT_TOPOLOGY.deadLetterExchange,
        deadLetterQueue: rabbitmq.deadLetterQueue ?? DEFAULT_TOPOLOGY.deadLetterQueue,
        bindings: [...DEFAULT_TOPOLOGY.bindings],
      },
    },
  };
  if (problems.length > 0) {
    throw new PlanningModuleError('INVALID_OPTIONS', `Invalid planning module options:\n${problems.map((p) => `  - ${p}`).join('\n')}`, problems);
  }
  return resolved;
}
