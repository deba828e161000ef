import { type Caller, assertCanRead, assertCanWrite } from '../../common/caller.js';
import { parseInput } from '../../common/validators.js';
import { changeMemory, type FlowMemoryDeps, ownerOf, settingsOf } from '../flow-memory-deps.js';
import { contextUpdated } from '../flow-memory.events.js';
import { settingsChange } from '../flow-memory.inputs.js';
import type { MemorySettings } from '../flow-memory-settings.repository.js';

/** The caller's memory settings (defaults: on, transient interactions not kept). */
export async function getMemorySettings(deps: FlowMemoryDeps, caller: Caller): Promise<MemorySettings> {
  assertCanRead(caller);
  return settingsOf(deps).find(ownerOf(caller));
}

/**
 * Turns the caller's memory on or off and chooses whether transient interactions are kept. Turned off, nothing new
 * is kept and retrieval answers nothing; what was kept stays viewable and deletable until it expires, unless
 * `clearMemory` forgets it at once.
 */
export async function updateMemorySettings(deps: FlowMemoryDeps, caller: Caller, rawChange: unknown): Promise<MemorySettings> {
  assertCanWrite(caller);
  const change = parseInput(settingsChange, rawChange, 'input');
  const owner = ownerOf(caller);
  const current = await settingsOf(deps).find(owner);
  const next = { enabled: change.enabled ?? current.enabled, storeTransient: change.storeTransient ?? current.storeTransient };
  const now = deps.now();
  if (change.clearMemory) {
    return changeMemory(deps, caller, async (em) => {
      const saved = await settingsOf({ em }).save(owner, next, now);
      await deps.store.clear(owner, now);
      return { result: saved, events: [contextUpdated(owner, { change: 'cleared', interaction_ids: [], session_ids: [] })] };
    });
  }
  return changeMemory(deps, caller, async (em) => ({ result: await settingsOf({ em }).save(owner, next, now), events: [] }));
}
