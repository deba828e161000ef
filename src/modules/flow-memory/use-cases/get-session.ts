import { type Caller, assertCanRead } from '../../common/caller.js';
import { parseInput } from '../../common/validators.js';
import { type FlowMemoryDeps, ownerOf } from '../flow-memory-deps.js';
import { FlowMemoryNotFoundError } from '../flow-memory.errors.js';
import { sessionId } from '../flow-memory.inputs.js';
import type { StoredSession } from '../flow-memory.store.js';

/** One of the caller's sessions (24 h from its last activity) with its interactions still kept. */
export async function getSession(deps: FlowMemoryDeps, caller: Caller, rawId: unknown): Promise<StoredSession> {
  assertCanRead(caller);
  const id = parseInput(sessionId, rawId, 'id');
  const session = await deps.store.session(ownerOf(caller), id, deps.now());
  if (!session) throw new FlowMemoryNotFoundError('Session', id);
  return session;
}
