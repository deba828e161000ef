import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { Phase } from './journey.js';
import type { FindingKind } from './productivity-analysis.js';

/**
 * One day of a journey: the archetype's reflection for the day and, from its unlock on, the finding of the user's
 * task history it was paired with (the tasks it cites and a confidence). Locked days are never shown.
 */
export const ShadowInsightSchema = defineEntity({
  name: 'ShadowInsight',
  tableName: 'planning_shadow_insights',
  properties: {
    id: p.uuid().primary(),
    orgId: p.string().length(128),
    profileId: p.uuid(),
    userId: p.string().length(128),
    day: p.integer(),
    phase: p.string().length(16).$type<Phase>(),
    content: p.text(),
    findingKind: p.string().length(32).$type<FindingKind>().nullable(),
    finding: p.text().nullable(),
    taskIds: p.array().columnType('uuid[]'),
    confidence: p.float().nullable(),
    unlockedAt: p.datetime().nullable(),
    acknowledgedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
  },
});

export type ShadowInsight = InferEntity<typeof ShadowInsightSchema>;
