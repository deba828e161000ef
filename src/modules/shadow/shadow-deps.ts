import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { DomainEvent } from '../../platform/outbox/envelope.js';
import { appendToOutbox } from '../../platform/outbox/outbox.repository.js';
import type { Caller } from '../common/caller.js';
import type { InsightNarrator } from './insight-narrator.js';
import type { ReportCache } from './report-cache.js';
import { ShadowRepository } from './shadow.repository.js';
import { TaskHistoryRepository } from './task-history.repository.js';

/** What Shadow AI's use cases work with, one per request (it holds the request's EntityManager). */
export interface ShadowDeps {
  em: SqlEntityManager;
  now: () => Date;
  /** Reports reused until the org's data changes; none: every report is computed. */
  reportCache?: ReportCache;
  narrator?: InsightNarrator;
  /** Headers of the request carried into its events (request id, traceparent). */
  eventHeaders?: Record<string, string>;
  /** Told which org's planning data changed once a write has committed (the gateway's answer cache). */
  onDataChanged?: (orgIds: string[]) => Promise<void> | void;
  onNarratorFailure?: (error: unknown) => void;
}

export const historyOf = (em: SqlEntityManager) => new TaskHistoryRepository(em);
export const journeysOf = (em: SqlEntityManager) => new ShadowRepository(em);

/** Runs `work` in a transaction with the events it returns in the outbox; announces the change once committed. */
export async function writeShadow<T>(deps: ShadowDeps, caller: Caller, work: (repository: ShadowRepository) => Promise<{ result: T; events: DomainEvent[] }>): Promise<T> {
  const result = await deps.em.transactional(async (em) => {
    const { result, events } = await work(journeysOf(em));
    if (events.length > 0) await appendToOutbox(em, { ...caller, headers: deps.eventHeaders }, events, deps.now());
    return result;
  });
  await deps.onDataChanged?.([caller.orgId]);
  return result;
}
