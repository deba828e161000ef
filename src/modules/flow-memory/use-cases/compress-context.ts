import { type Caller, assertCanWrite } from '../../common/caller.js';
import { parseInput } from '../../common/validators.js';
import { changeMemory, type FlowMemoryDeps, ownerOf } from '../flow-memory-deps.js';
import { contextUpdated } from '../flow-memory.events.js';
import { contextSummary } from '../flow-memory.inputs.js';
import type { StoredContext } from '../flow-memory.store.js';

/** Keeps a summary of the caller's context (10..2000 characters) for 30 days, as the next version. */
export async function compressContext(deps: FlowMemoryDeps, caller: Caller, rawSummary: unknown): Promise<StoredContext> {
  assertCanWrite(caller);
  const summary = parseInput(contextSummary, rawSummary, 'summary');
  const owner = ownerOf(caller);
  return changeMemory(deps, caller, async () => {
    const context = await deps.store.putContext(owner, summary, deps.now());
    return { result: context, events: [contextUpdated(owner, { change: 'compressed', interaction_ids: [], session_ids: [], summary_version: context.version })] };
  });
}
