import { type Caller, assertCanRead } from '../../common/caller.js';
import { parseInput } from '../../common/validators.js';
import { type FlowMemoryDeps, ownerOf, settingsOf } from '../flow-memory-deps.js';
import { retrieveArgs } from '../flow-memory.inputs.js';
import type { StoredInteraction } from '../flow-memory.store.js';
import { extractPatterns, type MemoryPatterns, patternInsights } from '../memory-patterns.js';
import { rankInteractions } from '../memory-ranking.js';

export type ScoredInteraction = StoredInteraction & { score: number | null };

export interface MemoryRetrieval {
  interactions: ScoredInteraction[];
  patterns: MemoryPatterns;
  insights: string[];
  contextSummary: string | null;
  totalCount: number;
  memoryEnabled: boolean;
}

const EMPTY_PATTERNS: MemoryPatterns = { topics: [], intents: { question: 0, command: 0, statement: 0 }, mostActiveHour: null, hours: [], taskKeywords: [] };

/**
 * What an assistant should remember for the caller: with a query, the `limit` kept interactions most relevant to it
 * (BM25, best first, none sharing no word with it); without, the `limit` most recent (oldest first, as the original
 * answered); the patterns of everything kept and the context summary. While the user's memory is off: nothing.
 */
export async function retrieveMemory(deps: FlowMemoryDeps, caller: Caller, rawArgs: unknown): Promise<MemoryRetrieval> {
  assertCanRead(caller);
  const { query, limit } = parseInput(retrieveArgs, rawArgs, '');
  const owner = ownerOf(caller);
  if (!(await settingsOf(deps).find(owner)).enabled) {
    return { interactions: [], patterns: EMPTY_PATTERNS, insights: [], contextSummary: null, totalCount: 0, memoryEnabled: false };
  }
  const now = deps.now();
  const kept = await deps.store.list(owner, now);
  const context = await deps.store.context(owner, now);
  const interactions = query?.trim()
    ? rankInteractions(kept, query, limit).map(({ interaction, score }) => ({ ...interaction, score }))
    : kept.slice(-limit).map((interaction) => ({ ...interaction, score: null }));
  const patterns = extractPatterns(kept);
  return { interactions, patterns, insights: patternInsights(patterns), contextSummary: context?.summary ?? null, totalCount: interactions.length, memoryEnabled: true };
}
