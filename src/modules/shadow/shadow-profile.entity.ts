import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { ArchetypeName } from './archetypes.js';

/** A user's Shadow AI journey: the archetype chosen at its start and how far its 30 days are unlocked. */
export const ShadowProfileSchema = defineEntity({
  name: 'ShadowProfile',
  tableName: 'planning_shadow_profiles',
  properties: {
    id: p.uuid().primary(),
    orgId: p.string().length(128),
    userId: p.string().length(128),
    archetype: p.string().length(16).$type<ArchetypeName>(),
    archetypeScores: p.json<Record<ArchetypeName, number>>(),
    unlockDay: p.integer(),
    totalDays: p.integer(),
    lastUnlockedAt: p.datetime(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    version: p.integer().version(),
  },
});

export type ShadowProfile = InferEntity<typeof ShadowProfileSchema>;
