import { type Caller, assertCanRead } from '../../common/caller.js';
import { type FlowMemoryDeps, ownerOf, settingsOf } from '../flow-memory-deps.js';
import { extractPatterns, patternsDetected } from '../memory-patterns.js';

export interface MemoryStats {
  totalInteractions: number;
  memoryExists: boolean;
  patternsDetected: number;
  lastUpdate: string | null;
  topTopics: string[];
  memoryEnabled: boolean;
  storeTransient: boolean;
  contextSummaryVersion: number | null;
}

/** How much the caller's memory keeps, its latest change and top topics, and the caller's settings. */
export async function getMemoryStats(deps: FlowMemoryDeps, caller: Caller): Promise<MemoryStats> {
  assertCanRead(caller);
  const owner = ownerOf(caller);
  const now = deps.now();
  const settings = await settingsOf(deps).find(owner);
  const kept = await deps.store.list(owner, now);
  const context = await deps.store.context(owner, now);
  const patterns = extractPatterns(kept);
  const lastUpdate = kept.map((i) => i.updatedAt ?? i.timestamp).sort().at(-1) ?? null;
  return {
    totalInteractions: kept.length,
    memoryExists: kept.length > 0 || context !== null,
    patternsDetected: kept.length > 0 ? patternsDetected(patterns) : 0,
    lastUpdate,
    topTopics: patterns.topics.slice(0, 5).map((t) => t.word),
    memoryEnabled: settings.enabled,
    storeTransient: settings.storeTransient,
    contextSummaryVersion: context?.version ?? null,
  };
}
