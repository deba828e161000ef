import { randomUUID } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import amqplib from 'amqplib';
import { type CallEventSource, inProcessCallEvents, rabbitMqCallEvents } from '../../src/examples/comms/comms.subgraph.js';
import { createLogger } from '../../src/platform/logging/logger.js';
import { AmqpEventBus, declareTopology } from '../../src/platform/messaging/amqp-event-bus.js';
import { type EventBus, type EventTopology, suffixedTopology } from '../../src/platform/messaging/event-bus.js';
import { InProcessEventBus } from '../../src/platform/messaging/in-process-event-bus.js';
import { serviceSettings } from './services.js';

/** A message seen on the bus by the test (as a queue bound by another module would see it). */
export interface ObservedMessage {
  routingKey: string;
  messageId: string | undefined;
  body: any;
  headers: Record<string, unknown>;
  persistent?: boolean;
  contentType?: string;
}

export interface DeadLetter {
  routingKey: string;
  reason: string;
  body: string;
}

/**
 * The bus side of event tests. On RabbitMQ (RABBITMQ_URL set) every test file gets exchanges and queues of its own
 * (names suffixed), an observer queue bound to `planning.#`, and reads the dead-letter queue; without it, the
 * in-process bus plays both sides.
 */
export interface EventHarness {
  kind: 'rabbitmq' | 'in-process';
  topology: EventTopology;
  /** Creates a bus for the code under test (optionally through another URL, e.g. a TCP proxy's). */
  createBus(options?: { url?: string; publishTimeoutMs?: number }): EventBus;
  /** Where the comms example hears this harness's `comms.call.ended` events (its exchange, or its in-process bus). */
  callEventSource(): CallEventSource;
  /** Publishes an event as another module would. */
  publishInbound(routingKey: string, body: unknown, options?: { messageId?: string }): Promise<void>;
  observed: ObservedMessage[];
  /** Waits until `predicate` holds over the observed messages (or fails after `timeoutMs`). */
  waitForObserved(predicate: (messages: ObservedMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  /**
   * Resolves once every message published to the exchange before the call has been observed: a marker goes through
   * the same exchange and queue after them (a queue keeps its order), and is waited for, then dropped.
   */
  drainObserved(): Promise<void>;
  deadLetters(): Promise<DeadLetter[]>;
  amqpUrl: string | undefined;
  close(): Promise<void>;
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function createEventHarness(): Promise<EventHarness> {
  const suffix = `test.${Date.now().toString(36)}.${randomBytes(3).toString('hex')}`;
  const topology = suffixedTopology(suffix);
  const logger = createLogger('silent');
  const observed: ObservedMessage[] = [];
  const waitForObserved = (predicate: (m: ObservedMessage[]) => boolean, timeoutMs = 10_000) =>
    waitUntil(() => predicate(observed), timeoutMs, 'observed events');
  /** Publishes a marker with `publish`, waits for it among the observed messages and takes it out again. */
  const drainWith = async (publish: (routingKey: string, body: unknown) => Promise<void>) => {
    const marker = `drain-${randomUUID()}`;
    await publish('planning.test.drained', { marker });
    await waitUntil(() => observed.some((m) => m.body?.marker === marker), 10_000, 'the drain marker');
    observed.splice(observed.findIndex((m) => m.body?.marker === marker), 1);
  };
  const { rabbitmqUrl } = serviceSettings();

  if (!rabbitmqUrl) {
    const bus = new InProcessEventBus(topology, logger);
    bus.observe('planning.#', (m) =>
      observed.push({ routingKey: m.routingKey, messageId: m.messageId, body: JSON.parse(m.body.toString()), headers: m.headers }),
    );
    return {
      kind: 'in-process',
      topology,
      createBus: () => bus,
      callEventSource: () => inProcessCallEvents(bus),
      publishInbound: async (routingKey, body, options) => bus.inject(routingKey, body, options),
      observed,
      waitForObserved,
      drainObserved: () => drainWith(async (routingKey, body) => bus.inject(routingKey, body)),
      deadLetters: async () => bus.deadLetters.map((d) => ({ routingKey: d.routingKey, reason: d.reason, body: d.body.toString() })),
      amqpUrl: undefined,
      close: () => bus.close(),
    };
  }

  const connection = await amqplib.connect(rabbitmqUrl);
  const channel = await connection.createConfirmChannel();
  await declareTopology(channel, topology);
  const { queue: observerQueue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(observerQueue, topology.exchange, 'planning.#');
  await channel.consume(
    observerQueue,
    (m) => {
      if (!m) return;
      observed.push({
        routingKey: m.fields.routingKey,
        messageId: m.properties.messageId as string | undefined,
        body: JSON.parse(m.content.toString()),
        headers: m.properties.headers ?? {},
        persistent: m.properties.deliveryMode === 2,
        contentType: m.properties.contentType as string | undefined,
      });
    },
    { noAck: true },
  );
  const buses: EventBus[] = [];
  return {
    kind: 'rabbitmq',
    topology,
    amqpUrl: rabbitmqUrl,
    createBus(options = {}) {
      const bus = new AmqpEventBus(options.url ?? rabbitmqUrl, topology, logger, { publishTimeoutMs: options.publishTimeoutMs });
      buses.push(bus);
      return bus;
    },
    callEventSource: () => rabbitMqCallEvents({ url: rabbitmqUrl, exchange: topology.exchange, logger }),
    async publishInbound(routingKey, body, options = {}) {
      const content = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      channel.publish(topology.exchange, routingKey, content, { persistent: true, contentType: 'application/json', messageId: options.messageId });
      await channel.waitForConfirms();
    },
    observed,
    waitForObserved,
    drainObserved: () =>
      drainWith(async (routingKey, body) => {
        channel.publish(topology.exchange, routingKey, Buffer.from(JSON.stringify(body)), { contentType: 'application/json' });
        await channel.waitForConfirms();
      }),
    async deadLetters() {
      const letters: DeadLetter[] = [];
      for (;;) {
        const m = await channel.get(topology.deadLetterQueue, { noAck: false });
        if (!m) break;
        letters.push({
          routingKey: m.fields.routingKey,
          reason: String(m.properties.headers?.['x-dead-letter-reason'] ?? ''),
          body: m.content.toString(),
        });
      }
      // Put them back so a later call sees them too.
      await channel.recover();
      return letters;
    },
    async close() {
      for (const bus of buses) await bus.close().catch(() => {});
      for (const name of [topology.queue, topology.deadLetterQueue]) await channel.deleteQueue(name).catch(() => {});
      for (const name of [topology.exchange, topology.deadLetterExchange]) await channel.deleteExchange(name).catch(() => {});
      await connection.close().catch(() => {});
    },
  };
}

