import amqp, { type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Logger } from '../logging/logger.js';
import {
  type ConsumeOptions,
  type EventBus,
  type EventTopology,
  type HandlingOutcome,
  MAX_DELIVERIES,
  type MessageHandler,
  type OutgoingMessage,
  retryDelayMs,
} from './event-bus.js';

/**
 * Declares the topology idempotently (safe on every (re)connect and from every replica): the topic exchange, the
 * dead-letter exchange and queue, and the durable quorum queue bound to the consumed event types.
 */
export async function declareTopology(channel: Channel | ConfirmChannel, topology: EventTopology): Promise<void> {
  await channel.assertExchange(topology.exchange, 'topic', { durable: true });
  await channel.assertExchange(topology.deadLetterExchange, 'topic', { durable: true });
  await channel.assertQueue(topology.deadLetterQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.bindQueue(topology.deadLetterQueue, topology.deadLetterExchange, '#');
  await channel.assertQueue(topology.queue, {
    durable: true,
    arguments: { 'x-queue-type': 'quorum', 'x-dead-letter-exchange': topology.deadLetterExchange },
  });
  for (const key of topology.bindings) await channel.bindQueue(topology.queue, topology.exchange, key);
}

/**
 * RabbitMQ through amqp-connection-manager: reconnects by itself after broker restarts and dropped connections,
 * re-declares the topology and re-subscribes on every reconnect. Publishing waits for publisher confirms.
 */
export class AmqpEventBus implements EventBus {
  readonly kind = 'rabbitmq' as const;
  private readonly connection: AmqpConnectionManager;
  private readonly publisher: ChannelWrapper;
  private consumer: ChannelWrapper | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    url: string,
    private readonly topology: EventTopology,
    private readonly logger: Logger,
    options: { publishTimeoutMs?: number } = {},
  ) {
    this.connection = amqp.connect([url], { heartbeatIntervalInSeconds: 5, reconnectTimeInSeconds: 1 });
    this.connection.on('connect', () => logger.info('RabbitMQ connected'));
    this.connection.on('disconnect', ({ err }) => logger.warn({ err: err?.message }, 'RabbitMQ disconnected; reconnecting'));
    this.publisher = this.connection.createChannel({
      name: 'planning-publisher',
      confirm: true,
      publishTimeout: options.publishTimeoutMs ?? 10_000,
      setup: async (channel: ConfirmChannel) => {
        await declareTopology(channel, topology);
        channel.on('return', (message: ConsumeMessage) =>
          logger.warn({ routingKey: message.fields.routingKey, messageId: message.properties.messageId }, 'event was not routed to any queue'),
        );
      },
    });
    this.onSetupFailure(this.publisher);
  }

  /**
   * A channel whose setup failed (the connection dropped while it declared the topology) is set up again at the
   * next connect; amqp-connection-manager reports the failure as an 'error' event, which without a listener would
   * throw out of its reconnect (an unhandled rejection).
   */
  private onSetupFailure(channel: ChannelWrapper): void {
    channel.on('error', (error: Error, info?: { name?: string }) =>
      this.logger.warn({ err: error.message, channel: info?.name }, 'RabbitMQ channel setup failed; it is set up again on reconnect'),
    );
  }

  isConnected(): boolean {
    return this.connection.isConnected();
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    await Promise.all(
      messages.map((m) =>
        this.publisher.publish(this.topology.exchange, m.routingKey, m.body, {
          persistent: true,
          mandatory: true,
          contentType: 'application/json',
          messageId: m.messageId,
          headers: m.headers,
        }),
      ),
    );
  }

  async consume(handler: MessageHandler, options: ConsumeOptions): Promise<void> {
    this.consumer = this.connection.createChannel({
      name: 'planning-consumer',
      confirm: true,
      setup: async (channel: ConfirmChannel) => {
        await declareTopology(channel, this.topology);
        await channel.prefetch(options.prefetch);
        await channel.consume(this.topology.queue, (message) => {
          if (!message) return;
          const work = this.handle(channel, message, handler, options.onSettled).finally(() => this.inFlight.delete(work));
          this.inFlight.add(work);
        });
      },
    });
    this.onSetupFailure(this.consumer);
    await this.consumer.waitForConnect();
  }

  private async handle(channel: ConfirmChannel, message: ConsumeMessage, handler: MessageHandler, onSettled: ConsumeOptions['onSettled']): Promise<void> {
    const deliveryCount = Number(message.properties.headers?.['x-delivery-count'] ?? 0);
    const incoming = {
      routingKey: message.fields.routingKey,
      body: message.content,
      messageId: message.properties.messageId as string | undefined,
      headers: message.properties.headers ?? {},
      redeliveries: deliveryCount,
    };
    let outcome: HandlingOutcome;
    try {
      outcome = await handler(incoming);
    } catch (error) {
      outcome = { kind: 'retry', reason: (error as Error).message };
    }
    try {
      if (outcome.kind === 'retry' && deliveryCount + 1 >= MAX_DELIVERIES) {
        outcome = { kind: 'dead-letter', reason: `gave up after ${deliveryCount + 1} deliveries: ${outcome.reason}` };
      }
      if (outcome.kind === 'ack') {
        channel.ack(message);
      } else if (outcome.kind === 'dead-letter') {
        // The reason travels with the message: publish it to the dead-letter exchange ourselves, confirmed, then ack.
        channel.publish(this.topology.deadLetterExchange, message.fields.routingKey, message.content, {
          ...message.properties,
          persistent: true,
          headers: {
            ...message.properties.headers,
            'x-dead-letter-reason': outcome.reason.slice(0, 1000),
            'x-original-exchange': message.fields.exchange,
            'x-original-routing-key': message.fields.routingKey,
          },
        });
        await channel.waitForConfirms();
        channel.ack(message);
        this.logger.warn({ routingKey: message.fields.routingKey, reason: outcome.reason }, 'event dead-lettered');
      } else {
        this.logger.warn({ routingKey: message.fields.routingKey, reason: outcome.reason, deliveryCount }, 'event will be retried');
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs(deliveryCount)));
        channel.nack(message, false, true);
      }
      onSettled?.(incoming, outcome);
    } catch (error) {
      // The channel closed under us: the broker redelivers the unacknowledged message after reconnecting.
      this.logger.warn({ err: (error as Error).message }, 'could not settle a message; the broker will redeliver it');
    }
  }

  async stopConsuming(): Promise<void> {
    if (!this.consumer) return;
    await this.consumer.cancelAll().catch(() => {});
    await Promise.allSettled([...this.inFlight]);
    await this.consumer.close();
    this.consumer = undefined;
  }

  async close(): Promise<void> {
    await this.stopConsuming();
    await this.publisher.close();
    await this.connection.close();
  }
}
