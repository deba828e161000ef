/**
 * JSON values nest at most this deep (an object or array inside another counts one level): past it a value is
 * refused naming the place, before any code walks it recursively (a 4 KB body can nest 2,000 levels, enough to
 * overflow the stack of `JSON.stringify` with a replacer).
 */
export const MAX_JSON_DEPTH = 32;

/** What PostgreSQL cannot store, or this service will not walk, in a JSON value. */
export type JsonProblemKind = 'nul' | 'surrogate' | 'depth';

export interface JsonProblem {
  /** Keys and indexes from the value's root (a key holding U+0000 is spelled with it escaped, `\u0000`). */
  path: string[];
  kind: JsonProblemKind;
}

export const JSON_PROBLEM_MESSAGES: Record<JsonProblemKind, string> = {
  nul: 'must not contain the NUL character (U+0000)',
  surrogate: 'must not contain a lone UTF-16 surrogate (such as \\ud800 without its pair)',
  depth: `must not nest deeper than ${MAX_JSON_DEPTH} levels`,
};

/** `String.prototype.isWellFormed` (Node 20; not in this project's ES2022 library types): no lone surrogate. */
const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

const problemOfText = (text: string): JsonProblemKind | undefined => (text.includes('\u0000') ? 'nul' : isWellFormed(text) ? undefined : 'surrogate');

interface Entry {
  value: unknown;
  depth: number;
  key?: string;
  parent?: Entry;
  keyProblem?: JsonProblemKind;
}

/**
 * The places in `value` that hold U+0000 or a lone surrogate (PostgreSQL's text and jsonb refuse both) in a string
 * or an object key, or that nest past `maxDepth`, in document order, at most `maxProblems` of them. Walks without
 * recursion and stops descending at the depth bound, so no value can overflow the stack or take long.
 */
export function jsonProblems(value: unknown, options: { maxDepth?: number; maxProblems?: number } = {}): JsonProblem[] {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const maxProblems = options.maxProblems ?? 20;
  const pathOf = (entry: Entry): string[] => {
    const path: string[] = [];
    for (let at: Entry | undefined = entry; at?.key !== undefined; at = at.parent) path.push(at.key);
    return path.reverse();
  };
  const found: JsonProblem[] = [];
  const stack: Entry[] = [{ value, depth: 0 }];
  while (stack.length > 0 && found.length < maxProblems) {
    const entry = stack.pop()!;
    const current = entry.value;
    if (entry.keyProblem) found.push({ path: pathOf(entry), kind: entry.keyProblem });
    if (typeof current === 'string') {
      const kind = problemOfText(current);
      if (kind) found.push({ path: pathOf(entry), kind });
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (entry.depth >= maxDepth) {
      found.push({ path: pathOf(entry), kind: 'depth' });
      continue;
    }
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], depth: entry.depth + 1, key: String(i), parent: entry });
    } else {
      const members = Object.entries(current);
      for (let i = members.length - 1; i >= 0; i--) {
        const [key, item] = members[i]!;
        const keyProblem = problemOfText(key);
        stack.push({ value: item, depth: entry.depth + 1, key: key.replaceAll('\u0000', '\\u0000'), parent: entry, keyProblem });
      }
    }
  }
  return found;
}

/** The path of the first place where `value` nests past `maxDepth`, or undefined (strings are not looked at). */
export function tooDeepPath(value: unknown, maxDepth: number = MAX_JSON_DEPTH): string[] | undefined {
  const stack: Array<{ value: unknown; depth: number; path: string[] }> = [{ value, depth: 0, path: [] }];
  while (stack.length > 0) {
    const { value: current, depth, path } = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= maxDepth) return path;
    for (const [key, item] of Object.entries(current)) if (item !== null && typeof item === 'object') stack.push({ value: item, depth: depth + 1, path: [...path, key] });
  }
  return undefined;
}

/** Whether `value` has objects or arrays nested more than `maxDepth` deep (no path kept: for hot paths). */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: Array<{ value: object; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (depth >= maxDepth) return true;
    for (const item of Array.isArray(current) ? current : Object.values(current)) {
      if (item !== null && typeof item === 'object') stack.push({ value: item, depth: depth + 1 });
    }
  }
  return false;
}
