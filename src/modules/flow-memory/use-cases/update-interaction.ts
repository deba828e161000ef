import { type Caller, assertCanWrite } from '../../common/caller.js';
import { entityId, parseInput } from '../../common/validators.js';
import { changeMemory, type FlowMemoryDeps, ownerOf } from '../flow-memory-deps.js';
import { FlowMemoryNotFoundError } from '../flow-memory.errors.js';
import { contextUpdated } from '../flow-memory.events.js';
import { interactionChange } from '../flow-memory.inputs.js';
import type { StoredInteraction } from '../flow-memory.store.js';

/** Corrects a kept interaction (its texts, context or metadata); it keeps its place and its expiry. */
export async function updateInteraction(deps: FlowMemoryDeps, caller: Caller, rawId: unknown, rawChange: unknown): Promise<StoredInteraction> {
  assertCanWrite(caller);
  const id = parseInput(entityId, rawId, 'id');
  const change = parseInput(interactionChange, rawChange, 'input');
  const owner = ownerOf(caller);
  const now = deps.now();
  const current = await deps.store.get(owner, id, now);
  if (!current) throw new FlowMemoryNotFoundError('Interaction', id);
  const changed: StoredInteraction = {
    ...current,
    ...(change.userMessage !== undefined ? { userMessage: change.userMessage } : {}),
    ...(change.aiResponse !== undefined ? { aiResponse: change.aiResponse } : {}),
    ...(change.context !== undefined ? { context: change.context } : {}),
    ...(change.metadata !== undefined ? { metadata: change.metadata } : {}),
    updatedAt: now.toISOString(),
  };
  return changeMemory(deps, caller, async () => {
    if (!(await deps.store.replace(owner, changed, now))) throw new FlowMemoryNotFoundError('Interaction', id);
    const event = contextUpdated(owner, { change: 'edited', interaction_ids: [id], session_ids: changed.sessionId ? [changed.sessionId] : [] });
    return { result: changed, events: [event] };
  });
}
