import { type Caller, assertCanWrite } from '../../common/caller.js';
import { changeMemory, type FlowMemoryDeps, ownerOf } from '../flow-memory-deps.js';
import { contextUpdated } from '../flow-memory.events.js';
import type { ClearedMemory } from '../flow-memory.store.js';

/** Forgets everything the caller's memory keeps: interactions, sessions and the context summary. */
export async function clearMemory(deps: FlowMemoryDeps, caller: Caller): Promise<ClearedMemory> {
  assertCanWrite(caller);
  const owner = ownerOf(caller);
  return changeMemory(deps, caller, async () => {
    const cleared = await deps.store.clear(owner, deps.now());
    return { result: cleared, events: [contextUpdated(owner, { change: 'cleared', interaction_ids: [], session_ids: [] })] };
  });
}
