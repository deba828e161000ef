import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { type DomainEvent, outgoingEnvelopeSchema, toEnvelope } from './envelope.js';

/** Who caused the events and which request they came from. */
export interface EventActor {
  userId: string;
  orgId: string;
  /** Carried into the AMQP headers (request id, traceparent). */
  headers?: Record<string, string>;
}

/**
 * Writes events into `planning_outbox` through the caller's transaction: they are published if and only if the
 * change they describe commits.
 */
export async function appendToOutbox(em: SqlEntityManager, actor: EventActor, events: DomainEvent[], now = new Date()): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((event) => {
    const envelope = outgoingEnvelopeSchema.parse(toEnvelope(event, actor, now));
    return {
      event_id: envelope.id,
      event_type: envelope.type,
      aggregate_id: event.aggregateId,
      envelope: JSON.stringify(envelope),
      headers: JSON.stringify(actor.headers ?? {}),
    };
  });
  await em.execute(em.getKnex()('planning_outbox').insert(rows));
}
