import amqp from 'amqp-connection-manager';
import type { Channel } from 'amqplib';
import type { Logger } from '../../platform/logging/logger.js';
import type { InProcessEventBus } from '../../platform/messaging/in-process-event-bus.js';
import { CALL_ENDED_EVENT } from './call-ended.event.js';

/**
 * Where the example comms subgraph hears `comms.call.ended` events: `listen` hands it the body of each one from
 * the moment it resolves, until the function it resolved with is called.
 */
export interface CallEventSource {
  readonly kind: 'in-process' | 'rabbitmq';
  listen(onEvent: (body: Buffer) => void): Promise<() => Promise<void>>;
}

/**
 * The events published on a process's in-process bus (`npm start` without `RABBITMQ_URL`, where `/dev/events`
 * injects them), seen as a bound queue would see them.
 *
 * @example
 * startCommsSubgraph({ callers, events: inProcessCallEvents(bus) });
 */
export function inProcessCallEvents(bus: InProcessEventBus): CallEventSource {
  return {
    kind: 'in-process',
    async listen(onEvent) {
      const stop = bus.observe(CALL_ENDED_EVENT, (message) => onEvent(message.body));
      return async () => stop();
    },
  };
}

/**
 * The events on RabbitMQ's topic exchange `exchange` (`platform.events` by default), through a queue of this
 * process's own: server-named, exclusive and deleted with the connection. The records live in memory, so a queue
 * that outlived the process would only keep events for a store that is gone; with a queue per process, every
 * replica of the example hears every call from its start on. Reconnects by itself (amqp-connection-manager); the
 * events published while it was disconnected are not heard.
 *
 * @example
 * startCommsSubgraph({ callers, events: rabbitMqCallEvents({ url: process.env.RABBITMQ_URL!, logger }) });
 */
export function rabbitMqCallEvents(options: { url: string; exchange?: string; logger: Logger }): CallEventSource {
  const { url, exchange = 'platform.events', logger } = options;
  return {
    kind: 'rabbitmq',
    async listen(onEvent) {
      const connection = amqp.connect([url], { heartbeatIntervalInSeconds: 5, reconnectTimeInSeconds: 1 });
      connection.on('disconnect', ({ err }) => logger.warn({ err: err?.message }, 'comms example: RabbitMQ disconnected; reconnecting'));
      const channel = connection.createChannel({
        name: 'comms-example-calls',
        confirm: false,
        setup: async (ch: Channel) => {
          await ch.assertExchange(exchange, 'topic', { durable: true });
          const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
          await ch.bindQueue(queue, exchange, CALL_ENDED_EVENT);
          // Recording is synchronous and never throws, so nothing is gained by acknowledging after it.
          await ch.consume(queue, (message) => message && onEvent(message.content), { noAck: true });
        },
      });
      channel.on('error', (error: Error) => logger.warn({ err: error.message }, 'comms example: RabbitMQ channel setup failed; it is set up again on reconnect'));
      await channel.waitForConnect();
      return async () => {
        await channel.close();
        await connection.close();
      };
    },
  };
}
