import type { EventBus, OutgoingMessage } from '../platform/messaging/event-bus.js';
import type { PlanningEvent, PlanningEventPublisher } from './planning-module.types.js';

/**
 * The host's event publisher as the outbox relay's bus: each committed event is handed to `publish` in commit order,
 * and the relay marks a batch sent only after every `publish` of it resolved (a rejection leaves the batch unsent,
 * to be handed over again). Nothing is consumed through it: the host gives the module its events with `handleEvent`.
 */
export class HostEventBus implements EventBus {
  /** For readiness it is like the in-process bus: nothing of its own to be down (the host watches its bus). */
  readonly kind = 'in-process' as const;

  constructor(private readonly publisher: PlanningEventPublisher) {}

  async publish(messages: OutgoingMessage[]): Promise<void> {
    for (const message of messages) {
      const event = JSON.parse(message.body.toString('utf8')) as PlanningEvent;
      await this.publisher.publish(event, { messageId: message.messageId, headers: { ...message.headers } });
    }
  }

  async consume(): Promise<void> {}

  async stopConsuming(): Promise<void> {}

  isConnected(): boolean {
    return true;
  }

  async close(): Promise<void> {}
}
