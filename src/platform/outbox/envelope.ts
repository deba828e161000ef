import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** The platform event envelope (CONTRACTS.md, Events). */
export const outgoingEnvelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  source: z.literal('planning'),
  timestamp: z.iso.datetime(),
  user_id: z.string().min(1),
  org_id: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
});
export type OutgoingEnvelope = z.output<typeof outgoingEnvelopeSchema>;

/** A domain event as a use case states it, before it becomes an envelope in the outbox. */
export interface DomainEvent {
  type: string;
  /** The task or project the event is about; events of one aggregate are published in the order written. */
  aggregateId: string;
  data: Record<string, unknown>;
}

export function toEnvelope(event: DomainEvent, actor: { userId: string; orgId: string }, now: Date): OutgoingEnvelope {
  return {
    id: randomUUID(),
    type: event.type,
    source: 'planning',
    timestamp: now.toISOString(),
    user_id: actor.userId,
    org_id: actor.orgId,
    data: event.data,
  };
}
