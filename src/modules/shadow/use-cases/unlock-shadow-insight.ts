import { type Caller, assertCanWrite } from '../../common/caller.js';
import { narrateOrKeep } from '../insight-narrator.js';
import { journeyContent, phaseOfDay, progressOf, UNLOCK_INTERVAL_MS } from '../journey.js';
import type { ShadowInsight } from '../shadow-insight.entity.js';
import { insightGenerated } from '../shadow.events.js';
import { journeysOf, type ShadowDeps, writeShadow } from '../shadow-deps.js';
import type { ShadowProfile } from '../shadow-profile.entity.js';
import { reportOf } from './get-productivity-report.js';
import { pickFinding } from './pick-finding.js';

export interface UnlockResult {
  unlocked: boolean;
  newDay: number | null;
  insight: ShadowInsight | null;
  message: string;
  progress: string | null;
  nextUnlockAt: Date | null;
}

const refused = (message: string, profile?: ShadowProfile): UnlockResult => ({
  unlocked: false,
  newDay: null,
  insight: null,
  message,
  progress: profile ? progressOf(profile.unlockDay, profile.totalDays) : null,
  nextUnlockAt: profile && profile.unlockDay < profile.totalDays ? nextUnlockOf(profile) : null,
});

export const nextUnlockOf = (profile: Pick<ShadowProfile, 'lastUnlockedAt'>) => new Date(profile.lastUnlockedAt.getTime() + UNLOCK_INTERVAL_MS);

/**
 * Unlocks the next day of the caller's journey, at most one a day: 24 hours after the previous unlock, not before.
 * The new day is paired with the most relevant finding of the last 30 days the journey has not shown yet, and
 * `planning.shadow.insight_generated` goes into the outbox. Too early, finished or not started: `unlocked: false`
 * with the reason, and nothing written. Two unlocks at once unlock one day.
 */
export async function unlockShadowInsight(deps: ShadowDeps, caller: Caller): Promise<UnlockResult> {
  assertCanWrite(caller);
  const journeys = journeysOf(deps.em);
  const before = await journeys.findProfile(caller.orgId, caller.userId);
  const now = deps.now();
  const notNow = before && whyNot(before, now);
  if (!before || notNow) return notNow ?? refused('No shadow profile found. Please create a profile first.');

  const day = before.unlockDay + 1;
  const finding = pickFinding((await reportOf(deps, caller, 'LAST_30_DAYS', 'UTC')).insights, await journeys.usedFindingKinds(before.id));
  const content = await narrateOrKeep(
    deps.narrator,
    { archetype: before.archetype, day, phase: phaseOfDay(day), reflection: journeyContent(before.archetype, day), finding },
    (error) => deps.onNarratorFailure?.(error),
  );

  return writeShadow(deps, caller, async (locked) => {
    const profile = (await locked.findProfile(caller.orgId, caller.userId, { forUpdate: true }))!;
    // Checked again under the row lock: a concurrent unlock may have taken this day meanwhile.
    const late = whyNot(profile, now) ?? (profile.unlockDay + 1 !== day ? refused('This day was just unlocked.', profile) : undefined);
    if (late) return { result: late, events: [] };
    const insight = await locked.unlockDay(profile, day, content, finding, now);
    const event = insightGenerated({
      insight_id: insight.id,
      profile_id: profile.id,
      day,
      phase: insight.phase,
      archetype: profile.archetype,
      finding_kind: finding?.kind ?? null,
      task_ids: finding?.taskIds ?? [],
      confidence: finding?.confidence ?? null,
    });
    const result: UnlockResult = {
      unlocked: true,
      newDay: day,
      insight,
      message: `Day ${day} unlocked! New insight available.`,
      progress: progressOf(day, profile.totalDays),
      nextUnlockAt: day < profile.totalDays ? new Date(now.getTime() + UNLOCK_INTERVAL_MS) : null,
    };
    return { result, events: [event] };
  });
}

function whyNot(profile: ShadowProfile, now: Date): UnlockResult | undefined {
  if (profile.unlockDay >= profile.totalDays) return refused('All insights are already unlocked!', profile);
  const next = nextUnlockOf(profile);
  if (now < next) return refused(`The next insight unlocks at ${next.toISOString()}, 24 hours after the last one.`, profile);
  return undefined;
}
