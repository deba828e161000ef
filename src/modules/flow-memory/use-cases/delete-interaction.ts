import { type Caller, assertCanWrite } from '../../common/caller.js';
import { entityId, parseInput } from '../../common/validators.js';
import { changeMemory, type FlowMemoryDeps, ownerOf } from '../flow-memory-deps.js';
import { FlowMemoryNotFoundError } from '../flow-memory.errors.js';
import { contextUpdated } from '../flow-memory.events.js';

/** Forgets one kept interaction (also in its session); returns its id. */
export async function deleteInteraction(deps: FlowMemoryDeps, caller: Caller, rawId: unknown): Promise<string> {
  assertCanWrite(caller);
  const id = parseInput(entityId, rawId, 'id');
  const owner = ownerOf(caller);
  return changeMemory(deps, caller, async () => {
    if (!(await deps.store.remove(owner, id, deps.now()))) throw new FlowMemoryNotFoundError('Interaction', id);
    return { result: id, events: [contextUpdated(owner, { change: 'deleted', interaction_ids: [id], session_ids: [] })] };
  });
}
