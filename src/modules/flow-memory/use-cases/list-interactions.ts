import { type Caller, assertCanRead } from '../../common/caller.js';
import { entityId, parseInput } from '../../common/validators.js';
import { FlowMemoryNotFoundError } from '../flow-memory.errors.js';
import { type FlowMemoryDeps, ownerOf } from '../flow-memory-deps.js';
import type { StoredInteraction } from '../flow-memory.store.js';

/** Everything the caller's memory keeps, oldest first: what the user can look through, edit and delete. */
export async function listInteractions(deps: FlowMemoryDeps, caller: Caller): Promise<StoredInteraction[]> {
  assertCanRead(caller);
  return deps.store.list(ownerOf(caller), deps.now());
}

/** One kept interaction of the caller; NOT_FOUND for one that is not (or no longer) kept, or another user's. */
export async function getInteraction(deps: FlowMemoryDeps, caller: Caller, rawId: unknown): Promise<StoredInteraction> {
  assertCanRead(caller);
  const id = parseInput(entityId, rawId, 'id');
  const interaction = await deps.store.get(ownerOf(caller), id, deps.now());
  if (!interaction) throw new FlowMemoryNotFoundError('Interaction', id);
  return interaction;
}
