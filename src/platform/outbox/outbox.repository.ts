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
  await appendManyToOutbox(em, [{ actor, events }], now);
}

/** {@link appendToOutbox} for the events of several actors (a group of inbound events), in one statement; `at` overrides `now` per batch. */
export async function appendManyToOutbox(
  em: SqlEntityManager,
  batches: ReadonlyArray<{ actor: EventActor; events: DomainEvent[]; at?: Date }>,
  now = new Date(),
): Promise<void> {
  const rows = batches.flatMap(({ actor, events, at }) =>
    events.map((event) => {
      const envelope = outgoingEnvelopeSchema.parse(toEnvelope(event, actor, at ?? now));
      return {
        event_id: envelope.id,
        event_type: envelope.type,
        aggregate_id: event.aggregateId,
        envelope: JSON.stringify(envelope),
        headers: JSON.stringify(actor.headers ?? {}),
      };
    }),
  );
  if (rows.length === 0) return;
  await em.execute(em.getKnex()('planning_outbox').insert(rows));
}
