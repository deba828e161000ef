import { Counter, type Registry } from 'prom-client';
import type { HandlingOutcome, IncomingMessage } from '../messaging/event-bus.js';
import { BoundedLabel } from './bounded-label.js';

/**
 * `planning_events_consumed_total{type}` (acknowledged), `planning_events_retried_total{type}` and
 * `planning_events_dead_lettered_total{type}`, counted where the bus settles a delivery. Types outside
 * `knownTypes` (the queue's bindings) are `other`.
 */
export class EventMetrics {
  private readonly counters: Record<HandlingOutcome['kind'], Counter<'type'>>;
  private readonly types: BoundedLabel;

  constructor(registry: Registry, knownTypes: Iterable<string>) {
    const counter = (name: string, help: string) => new Counter({ name, help, labelNames: ['type'], registers: [registry] });
    this.counters = {
      ack: counter('planning_events_consumed_total', 'Inbound events acknowledged (handled or duplicate), by type'),
      retry: counter('planning_events_retried_total', 'Inbound event deliveries that failed transiently and go back to the queue, by type'),
      'dead-letter': counter('planning_events_dead_lettered_total', 'Inbound events sent to the dead-letter queue, by type'),
    };
    this.types = new BoundedLabel({ known: knownTypes, limit: 0 });
  }

  /** For the bus's `onSettled`: one call per settled delivery, with the final outcome. */
  readonly settled = (message: IncomingMessage, outcome: HandlingOutcome): void => {
    this.counters[outcome.kind].inc({ type: this.types.valueOf(message.routingKey) });
  };
}
