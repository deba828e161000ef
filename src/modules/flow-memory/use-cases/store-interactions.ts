import { randomUUID } from 'node:crypto';
import { type Caller, assertCanWrite } from '../../common/caller.js';
import { parseEach } from '../../common/validators.js';
import { BadUserInputError } from '../../../platform/errors/planning-error.js';
import { changeMemory, type FlowMemoryDeps, ownerOf, settingsOf } from '../flow-memory-deps.js';
import { BULK_MAX, interactionInput } from '../flow-memory.inputs.js';
import { contextUpdated } from '../flow-memory.events.js';
import type { StoredInteraction } from '../flow-memory.store.js';

export interface StoreResult {
  success: boolean;
  message: string;
  interactionsStored: number;
  /** Interactions not kept: transient ones (unless the user keeps those), or all while memory is off. */
  skipped: number;
  interactions: StoredInteraction[];
}

/**
 * Remembers 1..50 interactions of the caller, in order: all are checked first (one BAD_USER_INPUT naming every bad
 * field, nothing kept), then kept in one atomic write with `planning.flow_memory.context_updated`. While the user's
 * memory is off nothing is kept; transient interactions are kept only when the user chose to keep them.
 */
export async function storeInteractions(deps: FlowMemoryDeps, caller: Caller, rawInputs: unknown[], field: 'input' | 'inputs'): Promise<StoreResult> {
  assertCanWrite(caller);
  if (rawInputs.length === 0 || rawInputs.length > BULK_MAX) throw BadUserInputError.of(field, `must hold between 1 and ${BULK_MAX} interactions`);
  const inputs = parseEach(interactionInput, rawInputs, (i) => (field === 'input' ? 'input' : `inputs.${i}`));
  const owner = ownerOf(caller);
  const settings = await settingsOf(deps).find(owner);
  if (!settings.enabled) {
    return { success: false, message: 'Flow memory is turned off for this user: nothing was stored', interactionsStored: 0, skipped: inputs.length, interactions: [] };
  }
  const now = deps.now();
  const kept: StoredInteraction[] = inputs
    .filter((input) => !input.transient || settings.storeTransient)
    .map((input) => ({
      id: randomUUID(),
      userMessage: input.userMessage,
      aiResponse: input.aiResponse ?? null,
      context: input.context ?? {},
      sessionId: input.sessionId ?? null,
      metadata: input.metadata ?? {},
      timestamp: now.toISOString(),
      updatedAt: null,
    }));
  const skipped = inputs.length - kept.length;
  if (kept.length === 0) {
    return { success: true, message: 'Nothing stored: transient interactions are not kept (see storeTransient)', interactionsStored: 0, skipped, interactions: [] };
  }
  return changeMemory(deps, caller, async () => {
    const count = await deps.store.append(owner, kept, now);
    const event = contextUpdated(owner, {
      change: 'stored',
      interaction_ids: kept.map((i) => i.id),
      session_ids: [...new Set(kept.flatMap((i) => (i.sessionId === null ? [] : [i.sessionId])))],
      interaction_count: count,
    });
    const message = kept.length === 1 ? 'Interaction stored successfully' : `Stored ${kept.length} interactions`;
    return { result: { success: true, message, interactionsStored: kept.length, skipped, interactions: kept }, events: [event] };
  });
}
