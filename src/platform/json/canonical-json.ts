import { BadUserInputError } from '../errors/planning-error.js';
import { compareText } from '../text/compare-text.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-problems.js';

/** JSON with object keys sorted and undefined/null members dropped, so equal lists get equal fingerprints. */
export function canonicalJson(value: unknown): string {
  return jsonWithSortedKeys(value, true);
}

/**
 * JSON with object keys sorted and nothing else changed: `null` members stay (a GraphQL variable sent as null is not
 * the same as one left out), undefined ones go as in JSON. For keys and hashes of GraphQL requests.
 */
export function sortedKeysJson(value: unknown): string {
  return jsonWithSortedKeys(value, false);
}

/**
 * Deepest nesting these functions walk: far past what the edges let in ({@link MAX_JSON_DEPTH}), and well short of
 * what overflows the stack of `JSON.stringify` with a replacer (about 2,000 levels).
 */
const MAX_SORTED_JSON_DEPTH = 256;

function jsonWithSortedKeys(value: unknown, dropNulls: boolean): string {
  if (nestsDeeperThan(value, MAX_SORTED_JSON_DEPTH)) throw BadUserInputError.of('variables', `must not nest deeper than ${MAX_JSON_DEPTH} levels`);
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, member]) => member !== undefined && !(dropNulls && member === null))
            .sort(([a], [b]) => compareText(a, b)),
        )
      : v,
  );
}

