import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { DomainEvent } from '../../platform/outbox/envelope.js';
import { appendToOutbox } from '../../platform/outbox/outbox.repository.js';
import type { Caller } from '../common/caller.js';
import { FlowMemorySettingsRepository } from './flow-memory-settings.repository.js';
import type { FlowMemoryStore, MemoryOwner } from './flow-memory.store.js';

/** What Flow Memory's use cases work with, one per request. */
export interface FlowMemoryDeps {
  em: SqlEntityManager;
  store: FlowMemoryStore;
  now: () => Date;
  eventHeaders?: Record<string, string>;
  /** Told which org's planning data changed once a write has committed (the gateway's answer cache). */
  onDataChanged?: (orgIds: string[]) => Promise<void> | void;
}

export const ownerOf = (caller: Caller): MemoryOwner => ({ orgId: caller.orgId, userId: caller.userId });
export const settingsOf = (deps: Pick<FlowMemoryDeps, 'em'>) => new FlowMemorySettingsRepository(deps.em);

/**
 * Runs a change of the memory store together with its event: the event is written to the outbox in a transaction,
 * the store is changed inside it, and the transaction commits only when the store accepted the change. A store that
 * is down rolls the event back (nothing changed, nothing announced); the window left is the outbox write or the
 * commit failing after the store changed (the client is then told of a failure although the memory holds the change).
 */
export async function changeMemory<T>(deps: FlowMemoryDeps, caller: Caller, change: (em: SqlEntityManager) => Promise<{ result: T; events: DomainEvent[] }>): Promise<T> {
  const result = await deps.em.transactional(async (em) => {
    const outcome = await change(em);
    if (outcome.events.length > 0) await appendToOutbox(em, { ...caller, headers: deps.eventHeaders }, outcome.events, deps.now());
    return outcome.result;
  });
  await deps.onDataChanged?.([caller.orgId]);
  return result;
}
