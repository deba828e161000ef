import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config/config.js';
import { InboundEventProcessor } from '../consumers/inbound-event-processor.js';
import { CursorCodec } from '../modules/common/cursor.js';
import type { Database } from '../platform/db/database.js';
import type { Logger } from '../platform/logging/logger.js';
import { AmqpEventBus } from '../platform/messaging/amqp-event-bus.js';
import { CONSUMED_EVENT_TYPES, type ConsumeOptions, type EventBus } from '../platform/messaging/event-bus.js';
import { InProcessEventBus } from '../platform/messaging/in-process-event-bus.js';
import { OutboxRelay } from '../platform/outbox/outbox-relay.js';
import type { Registry } from 'prom-client';
import { registerDbPoolMetrics } from '../platform/metrics/db-pool-metrics.js';
import { EventMetrics } from '../platform/metrics/event-metrics.js';
import { createMetricsRegistry } from '../platform/metrics/metrics-registry.js';
import { registerOutboxMetrics } from '../platform/metrics/outbox-metrics.js';
import { TaskMetrics } from '../modules/tasks/task.metrics.js';
import { dependencyReadiness } from './readiness-checks.js';
import { startWorkerHttp } from './worker-http.js';
import type { PlanningDataVersions } from '../platform/cache/planning-data-cache.js';
import { DEFAULT_EVENTS_PREFETCH } from '../config/config.js';

/** RabbitMQ when `RABBITMQ_URL` is set, else the in-process bus (announced in the log). */
export function createEventBus(config: Config, logger: Logger): EventBus {
  if (config.rabbitmqUrl) return new AmqpEventBus(config.rabbitmqUrl, config.events.topology, logger);
  logger.warn('RABBITMQ_URL is not set: using the in-process event bus (single process only, for development)');
  return new InProcessEventBus(config.events.topology, logger);
}

export interface WorkerOptions {
  orm: MikroORM;
  bus: EventBus;
  logger: Logger;
  cursorSecret: string;
  /** PostgreSQL URL for LISTEN/NOTIFY wake-ups (unset on the embedded database). */
  listenUrl?: string;
  /** Unacknowledged inbound events at once (default {@link DEFAULT_EVENTS_PREFETCH}, as `EVENTS_PREFETCH`). */
  prefetch?: number;
  /** The most inbound events applied in one transaction (group commit). */
  eventsGroupMax?: number;
  /** Groups of inbound events committed at the same time. */
  eventsGroupLanes?: number;
  outboxBatchSize?: number;
  outboxPollMs?: number;
  outboxRetentionHours?: number;
  /** Run the consumer of other modules' events (default true). */
  consume?: boolean;
  /** Where the worker's metrics go (events settled, tasks created from events, outbox lag, pool); none when unset. */
  metrics?: Registry;
  /** Where the consumer announces committed changes (the gateway's answer cache); none when unset. */
  dataVersions?: PlanningDataVersions;
}

/** The outbox relay (publishes committed events) and the consumer of other modules' events. */
export async function startWorker(options: WorkerOptions) {
  const { orm, bus, logger } = options;
  const relay = new OutboxRelay({
    orm,
    bus,
    logger,
    batchSize: options.outboxBatchSize,
    pollIntervalMs: options.outboxPollMs,
    retentionHours: options.outboxRetentionHours,
    listenUrl: options.listenUrl,
  });
  // A commit in this process wakes the relay at once; other processes' commits arrive through LISTEN/NOTIFY.
  orm.em.getEventManager().registerSubscriber({ afterTransactionCommit: () => relay.wake() });
  await relay.start();

  const { metrics } = options;
  if (metrics) {
    registerOutboxMetrics(metrics, orm);
    registerDbPoolMetrics(metrics, orm);
  }
  const onTaskActivity = metrics ? new TaskMetrics(metrics).record : undefined;
  const recordSettled = metrics ? new EventMetrics(metrics, CONSUMED_EVENT_TYPES).settled : undefined;
  let settled = 0;
  const onSettled: ConsumeOptions['onSettled'] = (message, outcome) => {
    settled++;
    recordSettled?.(message, outcome);
  };
  const processor = new InboundEventProcessor({
    orm,
    codec: new CursorCodec(options.cursorSecret),
    logger,
    onTaskActivity,
    maxGroupSize: options.eventsGroupMax,
    onDataChanged: options.dataVersions && ((orgIds) => options.dataVersions!.bump(orgIds)),
    lanes: options.eventsGroupLanes,
  });
  if (options.consume !== false) await bus.consume(processor.process, { prefetch: options.prefetch ?? DEFAULT_EVENTS_PREFETCH, onSettled });

  return {
    bus,
    relay,
    processor,
    /** Deliveries this worker's consumer has settled (acknowledged, dead-lettered or sent back to retry) so far. */
    settledDeliveries: () => settled,
    /** Stops consuming (unacknowledged messages return to the queue), lets the relay finish its batch. */
    async stop() {
      await bus.stopConsuming();
      await relay.stop();
      await bus.close();
    },
  };
}

/** Composition root of the worker role. */
export async function startWorkerRole(config: Config, logger: Logger, database: Database, dataVersions?: PlanningDataVersions) {
  const metrics = createMetricsRegistry('worker');
  const worker = await startWorker({
    metrics,
    orm: database.orm,
    bus: createEventBus(config, logger),
    logger,
    cursorSecret: config.cursorSecret,
    listenUrl: database.mode === 'postgres' ? config.databaseUrl : undefined,
    prefetch: config.events.prefetch,
    eventsGroupMax: config.events.groupMax,
    eventsGroupLanes: config.events.groupLanes,
    outboxBatchSize: config.events.outboxBatchSize,
    outboxPollMs: config.events.outboxPollMs,
    outboxRetentionHours: config.events.outboxRetentionHours,
    dataVersions,
  });
  const http = await startWorkerHttp({
    metrics,
    readiness: dependencyReadiness({ database, bus: worker.bus }),
    logger,
    port: config.workerPort,
    host: config.planningHost,
  }).catch(async (error: unknown) => {
    // WORKER_PORT taken: the relay and the consumer are already running; stop them before reporting.
    await worker.stop();
    throw error;
  });
  logger.info({ bus: worker.bus.kind, queue: config.events.topology.queue, url: http.origin }, 'worker started: outbox relay and event consumer');
  return {
    ...worker,
    http,
    async stop() {
      await http.stop();
      await worker.stop();
    },
  };
}
