import DataLoader from 'dataloader';
import { type Caller, assertCanRead } from '../../common/caller.js';
import { entityId } from '../../common/validators.js';
import type { ShadowInsight } from '../shadow-insight.entity.js';
import { journeysOf, type ShadowDeps } from '../shadow-deps.js';

/**
 * A per-request loader of the caller's unlocked insights by id (`_entities`): one statement per batch; an id that is
 * malformed, locked, or another user's or org's resolves to null.
 */
export function shadowInsightLoader(deps: ShadowDeps, caller: Caller) {
  return new DataLoader<string, ShadowInsight | null>(async (ids) => {
    assertCanRead(caller);
    const wellFormed = ids.filter((id) => entityId.safeParse(id).success).map((id) => id.toLowerCase());
    const found = await journeysOf(deps.em).findUnlockedByIds(caller.orgId, caller.userId, wellFormed);
    const byId = new Map(found.map((insight) => [insight.id, insight]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  });
}
