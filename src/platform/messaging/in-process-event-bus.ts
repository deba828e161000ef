import type { Logger } from '../logging/logger.js';
import {
  type ConsumeOptions,
  type EventBus,
  type EventTopology,
  type HandlingOutcome,
  type IncomingMessage,
  MAX_DELIVERIES,
  type MessageHandler,
  type OutgoingMessage,
  retryDelayMs,
} from './event-bus.js';

/** A message as the in-process bus keeps it. */
export interface InProcessMessage {
  routingKey: string;
  messageId: string | undefined;
  body: Buffer;
  headers: Record<string, unknown>;
}

/** Topic-pattern match as RabbitMQ does it: `*` one word, `#` zero or more words. */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const p = pattern.split('.');
  const k = routingKey.split('.');
  const match = (i: number, j: number): boolean => {
    if (i === p.length) return j === k.length;
    if (p[i] === '#') return match(i + 1, j) || (j < k.length && match(i, j + 1));
    if (j === k.length) return false;
    return (p[i] === '*' || p[i] === k[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
}

/**
 * The event bus of a single process, for a fresh machine without RabbitMQ. It keeps the contract of the real one:
 * publishing routes by topic to the planning queue and to any test/observer subscription; the consumer gets
 * at-least-once delivery with ack, retry with backoff and dead-lettering with a reason. Nothing survives a restart
 * (the outbox does: unsent events are published again after a restart).
 */
export class InProcessEventBus implements EventBus {
  readonly kind = 'in-process' as const;
  private readonly queue: Array<InProcessMessage & { redeliveries: number }> = [];
  private readonly observers: Array<{ pattern: string; listener: (m: InProcessMessage) => void }> = [];
  readonly deadLetters: Array<InProcessMessage & { reason: string }> = [];
  private handler: MessageHandler | undefined;
  private onSettled: ConsumeOptions['onSettled'];
  private prefetch = 1;
  private active = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly topology: EventTopology,
    private readonly logger: Logger,
  ) {}

  isConnected(): boolean {
    return true;
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    for (const m of messages) this.route({ routingKey: m.routingKey, messageId: m.messageId, body: m.body, headers: m.headers });
  }

  /** Injects an event as another module would publish it (e.g. `comms.call.ended`), for flows on a fresh machine. */
  inject(routingKey: string, body: unknown, options: { messageId?: string } = {}): void {
    const buffer = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    this.route({ routingKey, messageId: options.messageId, body: buffer, headers: {} });
  }

  /** Sees every published message whose routing key matches `pattern` (like a queue bound by a test). */
  observe(pattern: string, listener: (message: InProcessMessage) => void): () => void {
    const entry = { pattern, listener };
    this.observers.push(entry);
    return () => this.observers.splice(this.observers.indexOf(entry), 1);
  }

  private route(message: InProcessMessage): void {
    for (const o of this.observers) if (topicMatches(o.pattern, message.routingKey)) o.listener(message);
    if (this.topology.bindings.some((b) => topicMatches(b, message.routingKey))) {
      this.queue.push({ ...message, redeliveries: 0 });
      this.drain();
    }
  }

  async consume(handler: MessageHandler, options: ConsumeOptions): Promise<void> {
    this.handler = handler;
    this.onSettled = options.onSettled;
    this.prefetch = options.prefetch;
    this.drain();
  }

  private drain(): void {
    while (this.handler && this.active < this.prefetch && this.queue.length > 0) {
      const message = this.queue.shift()!;
      this.active++;
      const work = this.deliver(this.handler, message).finally(() => {
        this.active--;
        this.inFlight.delete(work);
        this.drain();
      });
      this.inFlight.add(work);
    }
  }

  private async deliver(handler: MessageHandler, message: InProcessMessage & { redeliveries: number }): Promise<void> {
    const incoming: IncomingMessage = { ...message };
    let outcome: HandlingOutcome;
    try {
      outcome = await handler(incoming);
    } catch (error) {
      outcome = { kind: 'retry', reason: (error as Error).message };
    }
    if (outcome.kind === 'retry' && message.redeliveries + 1 >= MAX_DELIVERIES) {
      outcome = { kind: 'dead-letter', reason: `gave up after ${message.redeliveries + 1} deliveries: ${outcome.reason}` };
    }
    if (outcome.kind === 'dead-letter') {
      this.deadLetters.push({ ...message, reason: outcome.reason });
      this.logger.warn({ routingKey: message.routingKey, reason: outcome.reason }, 'event dead-lettered');
    } else if (outcome.kind === 'retry') {
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(message.redeliveries)));
      this.queue.unshift({ ...message, redeliveries: message.redeliveries + 1 });
    }
    this.onSettled?.(incoming, outcome);
  }

  async stopConsuming(): Promise<void> {
    this.handler = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  async close(): Promise<void> {
    await this.stopConsuming();
  }
}
