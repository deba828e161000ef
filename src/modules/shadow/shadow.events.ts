import { z } from 'zod';
import type { DomainEvent } from '../../platform/outbox/envelope.js';
import { ARCHETYPE_NAMES } from './archetypes.js';
import { PHASES } from './journey.js';
import { FINDING_KINDS } from './productivity-analysis.js';

/**
 * Payload schemas of the Shadow AI events (`data` of the envelope; docs/events.md). An insight's texts stay out of
 * the event: it names the day, the kind of finding, the tasks it cites and its confidence, and a consumer that
 * shows it to the user reads it through GraphQL as that user.
 */
export const shadowEventSchemas = {
  'planning.shadow.insight_generated': z.object({
    insight_id: z.uuid(),
    profile_id: z.uuid(),
    day: z.number().int().min(1).max(30),
    phase: z.enum(PHASES),
    archetype: z.enum(ARCHETYPE_NAMES),
    finding_kind: z.enum(FINDING_KINDS).nullable(),
    task_ids: z.array(z.uuid()).max(10),
    confidence: z.number().min(0).max(1).nullable(),
  }),
} as const;

export const insightGenerated = (data: z.input<(typeof shadowEventSchemas)['planning.shadow.insight_generated']>): DomainEvent => ({
  type: 'planning.shadow.insight_generated',
  aggregateId: data.profile_id,
  data: shadowEventSchemas['planning.shadow.insight_generated'].parse(data) as Record<string, unknown>,
});
