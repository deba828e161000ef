import MiniSearch from 'minisearch';
import type { StoredInteraction } from './flow-memory.store.js';

/**
 * Ranks kept interactions against a query with BM25 (MiniSearch's BM25+, k1 1.2, b 0.7, d 0.5) over the user's
 * message and the assistant's answer, the message counting twice as much. Terms are words of the query (any script,
 * lower case), stop words removed; an interaction sharing no term with the query is left out. The index is built per
 * retrieval: a user keeps at most 100 interactions, which MiniSearch indexes in well under a millisecond.
 */
export interface RankedInteraction {
  interaction: StoredInteraction;
  score: number;
}

const STOP = new Set(['the', 'and', 'for', 'are', 'but', 'not', 'you', 'all', 'any', 'can', 'how', 'was', 'what', 'with', 'this', 'that', 'from', 'have', 'about', 'into', 'your', 'does', 'did', 'why', 'who', 'when', 'where', 'which', 'will', 'would', 'there', 'their', 'them', 'then', 'than', 'a', 'an', 'to', 'of', 'in', 'on', 'is', 'it', 'i', 'me', 'my', 'we', 'be', 'do', 'or', 'at', 'as', 'by', 'so', 'if']);

const processTerm = (term: string) => {
  const lower = term.toLowerCase();
  return lower.length < 2 || STOP.has(lower) ? null : lower;
};

export function rankInteractions(interactions: readonly StoredInteraction[], query: string, limit: number): RankedInteraction[] {
  const index = new MiniSearch<{ id: string; userMessage: string; aiResponse: string }>({
    fields: ['userMessage', 'aiResponse'],
    storeFields: [],
    processTerm,
    tokenize: (text) => text.split(/[^\p{L}\p{N}_]+/u),
    searchOptions: { boost: { userMessage: 2 }, combineWith: 'OR', prefix: false, fuzzy: false },
  });
  index.addAll(interactions.map((i) => ({ id: i.id, userMessage: i.userMessage, aiResponse: i.aiResponse ?? '' })));
  const byId = new Map(interactions.map((i) => [i.id, i]));
  return index
    .search(query)
    .slice(0, limit)
    .map((result) => ({ interaction: byId.get(result.id as string)!, score: Math.round(result.score * 1000) / 1000 }));
}
