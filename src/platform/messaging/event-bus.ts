/** Names of the exchanges and queues; the contract's names are the defaults, tests use their own. */
export interface EventTopology {
  exchange: string;
  queue: string;
  deadLetterExchange: string;
  deadLetterQueue: string;
  /** Routing keys bound to `queue`. */
  bindings: string[];
}

export const CONSUMED_EVENT_TYPES = ['comms.call.ended', 'agents.workflow.suggested'] as const;

export const DEFAULT_TOPOLOGY: EventTopology = {
  exchange: 'platform.events',
  queue: 'planning.events',
  deadLetterExchange: 'platform.events.dlx',
  deadLetterQueue: 'planning.events.dead',
  bindings: [...CONSUMED_EVENT_TYPES],
};

/** The contract topology with every name suffixed, so several test runs or benches share one broker. */
export function suffixedTopology(suffix: string): EventTopology {
  return {
    exchange: `${DEFAULT_TOPOLOGY.exchange}.${suffix}`,
    queue: `${DEFAULT_TOPOLOGY.queue}.${suffix}`,
    deadLetterExchange: `${DEFAULT_TOPOLOGY.deadLetterExchange}.${suffix}`,
    deadLetterQueue: `${DEFAULT_TOPOLOGY.deadLetterQueue}.${suffix}`,
    bindings: [...DEFAULT_TOPOLOGY.bindings],
  };
}

/** One message to publish: routing key = event type, body = the JSON envelope. */
export interface OutgoingMessage {
  messageId: string;
  routingKey: string;
  body: Buffer;
  headers: Record<string, string>;
}

/** A delivered message, as a consumer sees it. */
export interface IncomingMessage {
  routingKey: string;
  body: Buffer;
  messageId: string | undefined;
  headers: Record<string, unknown>;
  /** How many times the broker has delivered it before (0 on first delivery). */
  redeliveries: number;
}

/** What the consumer decides for a message. */
export type HandlingOutcome =
  | { kind: 'ack' }
  /** Unprocessable: sent to the dead-letter queue with the reason, never retried. */
  | { kind: 'dead-letter'; reason: string }
  /** Transient failure: delivered again after a backoff, dead-lettered once retries run out. */
  | { kind: 'retry'; reason: string };

export type MessageHandler = (message: IncomingMessage) => Promise<HandlingOutcome>;

export interface ConsumeOptions {
  prefetch: number;
  /** Told how each delivery was settled (after retries ran out, a retry becomes a dead-letter), e.g. for metrics. */
  onSettled?: (message: IncomingMessage, outcome: HandlingOutcome) => void;
}

/** The event bus: RabbitMQ in production, an in-process stand-in with the same semantics on a fresh machine. */
export interface EventBus {
  readonly kind: 'rabbitmq' | 'in-process';
  /** Publishes every message; resolves only when the broker has confirmed all of them. */
  publish(messages: OutgoingMessage[]): Promise<void>;
  /** Starts consuming `topology.queue`; one handler call per delivery, at most `prefetch` at once. */
  consume(handler: MessageHandler, options: ConsumeOptions): Promise<void>;
  /** Stops consuming; unacknowledged messages go back to the queue. */
  stopConsuming(): Promise<void>;
  /** Whether the broker connection is up right now. */
  isConnected(): boolean;
  close(): Promise<void>;
}

/** Delay before the nth retry of a message: 0.5 s doubling, capped at 30 s. */
export const retryDelayMs = (redeliveries: number) => Math.min(500 * 2 ** redeliveries, 30_000);

/** After this many deliveries a message that keeps failing transiently is dead-lettered. */
export const MAX_DELIVERIES = 8;
