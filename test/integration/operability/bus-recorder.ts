import { randomUUID } from 'node:crypto';
import amqplib, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { declareTopology } from '../../../src/platform/messaging/amqp-event-bus.js';
import { CONSUMED_EVENT_TYPES } from '../../../src/platform/messaging/event-bus.js';
import { waitUntil } from '../../testkit/event-harness.js';

/** One message the recorder's queue received, in arrival order. */
export interface RecordedMessage {
  routingKey: string;
  messageId: string;
  body: any;
  /** The raw body, to tell a redelivered copy from a different message reusing an id. */
  content: string;
}

const FENCE_KEY = 'test.fence';

/**
 * A queue of the test's own bound to every `planning.#` event on the test's exchange, as another module would bind
 * one, recording each delivery (duplicates included). {@link fence} tells when everything published so far has
 * been recorded: a marker published after the publishers' confirms lies behind their messages in the queue, so
 * once it arrives every confirmed message before it has arrived too; no waiting for silence.
 */
export class BusRecorder {
  readonly messages: RecordedMessage[] = [];
  private readonly fences = new Set<string>();

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: ConfirmChannel,
    private readonly exchange: string,
  ) {}

  /** Declares the topology (as the workers will) and binds the recording queue before anything is published. */
  static async start(url: string, topology: { exchange: string; queue: string; deadLetterExchange: string; deadLetterQueue: string }): Promise<BusRecorder> {
    const connection = await amqplib.connect(url);
    const channel = await connection.createConfirmChannel();
    await declareTopology(channel, { ...topology, bindings: [...CONSUMED_EVENT_TYPES] });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, topology.exchange, 'planning.#');
    await channel.bindQueue(queue, topology.exchange, FENCE_KEY);
    const recorder = new BusRecorder(connection, channel, topology.exchange);
    await channel.consume(queue, (m) => m && recorder.record(m.fields.routingKey, String(m.properties.messageId), m.content.toString()), { noAck: true });
    return recorder;
  }

  private record(routingKey: string, messageId: string, content: string): void {
    if (routingKey === FENCE_KEY) this.fences.add(messageId);
    else this.messages.push({ routingKey, messageId, body: JSON.parse(content), content });
  }

  /**
   * Publishes inbound events as another module would (persistent, confirmed), in the order given; `body.id` is the
   * message id when there is one.
   */
  async publish(routingKey: string, bodies: any[]): Promise<void> {
    for (const body of bodies) {
      this.channel.publish(this.exchange, routingKey, Buffer.from(JSON.stringify(body)), {
        persistent: true,
        contentType: 'application/json',
        messageId: body.id,
      });
    }
    await this.channel.waitForConfirms();
  }

  /** Resolves with how many messages were recorded before a marker published now came back. */
  async fence(): Promise<number> {
    const id = `fence-${randomUUID()}`;
    this.channel.publish(this.exchange, FENCE_KEY, Buffer.from('{}'), { messageId: id });
    await this.channel.waitForConfirms();
    await waitUntil(() => this.fences.has(id), 30_000, 'the fence to come back');
    return this.messages.length;
  }

  /** `queue`'s consumers and the messages ready to be handed out (those a consumer holds unacknowledged are not counted). */
  async queueState(queue: string): Promise<{ messageCount: number; consumerCount: number }> {
    const { messageCount, consumerCount } = await this.channel.checkQueue(queue);
    return { messageCount, consumerCount };
  }

  /** Messages in the dead-letter queue `queue`. */
  async deadLetters(queue: string): Promise<number> {
    return (await this.queueState(queue)).messageCount;
  }

  /** Deletes the test's queues and exchanges, and disconnects. */
  async close(topology: { exchange: string; queue: string; deadLetterExchange: string; deadLetterQueue: string }): Promise<void> {
    for (const queue of [topology.queue, topology.deadLetterQueue]) await this.channel.deleteQueue(queue).catch(() => {});
    for (const exchange of [topology.exchange, topology.deadLetterExchange]) await this.channel.deleteExchange(exchange).catch(() => {});
    await this.connection.close().catch(() => {});
  }
}
