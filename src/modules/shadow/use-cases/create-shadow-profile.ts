import { randomUUID } from 'node:crypto';
import { type Caller, assertCanRead, assertCanWrite } from '../../common/caller.js';
import { ARCHETYPE_SAMPLE, chooseArchetype } from '../archetypes.js';
import { JOURNEY_DAYS, journeyContent, phaseOfDay } from '../journey.js';
import { narrateOrKeep } from '../insight-narrator.js';
import { insightGenerated } from '../shadow.events.js';
import { historyOf, journeysOf, type ShadowDeps, writeShadow } from '../shadow-deps.js';
import type { ShadowProfileView } from '../shadow.repository.js';
import { reportOf } from './get-productivity-report.js';
import { pickFinding } from './pick-finding.js';

/**
 * Starts the caller's 30-day journey, or returns the one they have (as the original `POST /shadow/profile` did):
 * the archetype from their last 100 tasks, the 30 days written at once, day 1 unlocked with the finding of the last
 * 30 days it is paired with, `planning.shadow.insight_generated` in the outbox. Reading an existing journey needs
 * a reading role; starting one, a writing role.
 */
export async function createShadowProfile(deps: ShadowDeps, caller: Caller): Promise<ShadowProfileView> {
  assertCanRead(caller);
  const existing = await journeysOf(deps.em).findProfile(caller.orgId, caller.userId);
  if (existing) return existing;
  assertCanWrite(caller);

  const { archetype, scores } = chooseArchetype(await historyOf(deps.em).lastTasks(caller.orgId, caller.userId, ARCHETYPE_SAMPLE));
  const finding = pickFinding((await reportOf(deps, caller, 'LAST_30_DAYS', 'UTC')).insights, []);
  const now = deps.now();
  const profileId = randomUUID();
  const days = Array.from({ length: JOURNEY_DAYS }, (_, i) => ({ id: randomUUID(), day: i + 1, phase: phaseOfDay(i + 1), content: journeyContent(archetype, i + 1) }));
  days[0]!.content = await narrateOrKeep(deps.narrator, { archetype, day: 1, phase: 'awareness', reflection: days[0]!.content, finding }, (error) => deps.onNarratorFailure?.(error));

  await writeShadow(deps, caller, async (journeys) => {
    const profile = { id: profileId, orgId: caller.orgId, userId: caller.userId, archetype, archetypeScores: scores, unlockDay: 1, totalDays: JOURNEY_DAYS, lastUnlockedAt: now, createdAt: now, updatedAt: now };
    // A concurrent start won: its journey stands and this one writes nothing.
    if (!(await journeys.insertJourney({ profile, days }, finding))) return { result: undefined, events: [] };
    const event = insightGenerated({
      insight_id: days[0]!.id,
      profile_id: profileId,
      day: 1,
      phase: 'awareness',
      archetype,
      finding_kind: finding?.kind ?? null,
      task_ids: finding?.taskIds ?? [],
      confidence: finding?.confidence ?? null,
    });
    return { result: undefined, events: [event] };
  });
  return (await journeysOf(deps.em).findProfile(caller.orgId, caller.userId))!;
}
