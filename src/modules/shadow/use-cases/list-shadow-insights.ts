import { type Caller, assertCanRead } from '../../common/caller.js';
import type { ShadowInsight } from '../shadow-insight.entity.js';
import { journeysOf, type ShadowDeps } from '../shadow-deps.js';

/** The caller's unlocked insights, day by day (locked days are not shown; another user's never). */
export async function listShadowInsights(deps: ShadowDeps, caller: Caller): Promise<ShadowInsight[]> {
  assertCanRead(caller);
  return journeysOf(deps.em).listUnlocked(caller.orgId, caller.userId);
}
