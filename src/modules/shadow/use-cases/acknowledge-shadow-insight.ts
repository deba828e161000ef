import { type Caller, assertCanWrite } from '../../common/caller.js';
import { entityId, parseInput } from '../../common/validators.js';
import { ShadowInsightNotFoundError } from '../shadow.errors.js';
import type { ShadowInsight } from '../shadow-insight.entity.js';
import { type ShadowDeps, writeShadow } from '../shadow-deps.js';

/** Marks one of the caller's unlocked insights as read and taken in (again: kept as it was the first time). */
export async function acknowledgeShadowInsight(deps: ShadowDeps, caller: Caller, rawId: unknown): Promise<ShadowInsight> {
  assertCanWrite(caller);
  const id = parseInput(entityId, rawId, 'id');
  return writeShadow(deps, caller, async (journeys) => {
    const insight = await journeys.acknowledge(caller.orgId, caller.userId, id, deps.now());
    if (!insight) throw new ShadowInsightNotFoundError(id);
    return { result: insight, events: [] };
  });
}
