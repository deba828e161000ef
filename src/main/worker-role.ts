import type { Config } from '../config/config.js';
import { InboundEventProcessor } from '../consumers/inbound-event-processor.js';
import { CursorCodec } from '../modules/common/cursor.js';
import type { Database } from '../platform/db/database.js';
import type { Logger } from '../platform/logging/logger.js';
import { AmqpEventBus } from '../platform/messaging/amqp-event-bus.js';
import type { EventBus } from '../platform/messaging/event-bus.js';
import { InProcessEventBus } from '../platform/messaging/in-process-event-bus.js';
import { OutboxRelay } from '../platform/outbox/outbox-relay.js';

/** RabbitMQ when `RABBITMQ_URL` is set, else the in-process bus (announced in the log). */
export function createEventBus(config: Config, logger: Logger): EventBus {
  if (config.rabbitmqUrl) return new AmqpEventBus(config.rabbitmqUrl, config.events.topology, logger);
  logger.warn('RABBITMQ_URL is not set: using the in-process event bus (single process only, for development)');
  return new InProcessEventBus(config.events.topology, logger);
}

/**
 * Composition root of the worker role: the outbox relay (publishes committed events) and the consumer of other
 * modules' events.
 */
export async function startWorkerRole(config: Config, logger: Logger, database: Database, bus = createEventBus(config, logger)) {
  const relay = new OutboxRelay({
    orm: database.orm,
    bus,
    logger,
    batchSize: config.events.outboxBatchSize,
    pollIntervalMs: config.events.outboxPollMs,
    retentionHours: config.events.outboxRetentionHours,
    listenUrl: database.mode === 'postgres' ? config.databaseUrl : undefined,
  });
  // A commit in this process wakes the relay at once; other processes' commits arrive through LISTEN/NOTIFY.
  database.orm.em.getEventManager().registerSubscriber({ afterTransactionCommit: () => relay.wake() });
  await relay.start();

  const processor = new InboundEventProcessor(database.orm, new CursorCodec(config.cursorSecret), logger);
  await bus.consume(processor.process, { prefetch: config.events.prefetch });
  logger.info({ bus: bus.kind, queue: config.events.topology.queue }, 'worker started: outbox relay and event consumer');

  return {
    bus,
    relay,
    /** Stops consuming (unacknowledged messages return to the queue), lets the relay finish its batch. */
    async stop() {
      await bus.stopConsuming();
      await relay.stop();
      await bus.close();
    },
  };
}
