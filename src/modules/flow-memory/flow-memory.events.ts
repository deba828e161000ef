import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { DomainEvent } from '../../platform/outbox/envelope.js';

export const MEMORY_CHANGES = ['stored', 'edited', 'deleted', 'compressed', 'cleared'] as const;
export type MemoryChange = (typeof MEMORY_CHANGES)[number];

/**
 * Payload schemas of Flow Memory's events (`data` of the envelope; docs/events.md). No message text ever leaves in
 * an event: it names what changed (ids), not what was said.
 */
export const flowMemoryEventSchemas = {
  'planning.flow_memory.context_updated': z.object({
    change: z.enum(MEMORY_CHANGES),
    interaction_ids: z.array(z.uuid()).max(50),
    session_ids: z.array(z.string()).max(50),
    /** Interactions kept after a store (absent for other changes). */
    interaction_count: z.number().int().min(0).optional(),
    /** The summary's new version after a compression. */
    summary_version: z.number().int().min(1).optional(),
  }),
} as const;

/** Events of one user's memory share an aggregate id (a UUID derived from org and user), so they arrive in order. */
export const contextUpdated = (
  owner: { orgId: string; userId: string },
  data: z.input<(typeof flowMemoryEventSchemas)['planning.flow_memory.context_updated']>,
): DomainEvent => ({
  type: 'planning.flow_memory.context_updated',
  aggregateId: memoryAggregateId(owner),
  data: flowMemoryEventSchemas['planning.flow_memory.context_updated'].parse(data) as Record<string, unknown>,
});

function memoryAggregateId(owner: { orgId: string; userId: string }): string {
  const hex = createHash('sha256').update(`flow-memory\u0000${owner.orgId}\u0000${owner.userId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
