import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseEach, parseInput } from '../../src/modules/common/validators.js';
import { jsonProblems, MAX_JSON_DEPTH } from '../../src/platform/json/json-problems.js';

const nulCharacterPaths = (value: unknown) => jsonProblems(value, { maxDepth: Infinity }).filter((p) => p.kind === 'nul').map((p) => p.path);
import { BadUserInputError } from '../../src/platform/errors/planning-error.js';

const refusalOf = (work: () => unknown): BadUserInputError => {
  try {
    work();
  } catch (error) {
    if (error instanceof BadUserInputError) return error;
    throw error;
  }
  throw new Error('expected a BadUserInputError');
};

describe('input PostgreSQL cannot store, or nested too deep', () => {
  it('when strings, array items and object keys hold U+0000 at any depth, then each is found by its path (a key written as an escape)', () => {
    const value = { title: 'a\u0000b', tags: ['ok', '\u0000'], meta: { 'k\u0000': 1, deep: [{ note: 'x\u0000' }] }, fine: 'no', n: 0 };
    expect(nulCharacterPaths(value)).toEqual([['title'], ['tags', '1'], ['meta', 'k\\u0000'], ['meta', 'deep', '0', 'note']]);
    expect(nulCharacterPaths({ text: 'the escape \\u0000 written out is fine', list: [null, 1, true] })).toEqual([]);
  });

  it('when a value is nested 100,000 levels deep, then the walk neither overflows the stack nor loses the path', () => {
    let deep: unknown = 'bottom\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const [path] = nulCharacterPaths({ deep });
    expect(path).toHaveLength(100_001);
    expect(path!.slice(0, 3)).toEqual(['deep', '0', '0']);
  });

  it('when strings or keys hold a lone UTF-16 surrogate, then each is found; a proper pair is fine', () => {
    const value = { title: 'x\ud800', ok: 'emoji \ud83d\ude00 fine', list: ['\udc00y'], ['k\udbff']: 1 };
    expect(jsonProblems(value)).toEqual([
      { path: ['title'], kind: 'surrogate' },
      { path: ['list', '0'], kind: 'surrogate' },
      { path: ['k\udbff'], kind: 'surrogate' },
    ]);
  });

  it(`when a value nests past ${MAX_JSON_DEPTH} levels, then the first too deep place is named and nothing below it is walked`, () => {
    let deep: unknown = { bottom: 'x\u0000' };
    for (let i = 0; i < 2_200; i++) deep = { a: deep };
    const problems = jsonProblems({ metadata: deep });
    expect(problems).toEqual([{ path: ['metadata', ...Array.from({ length: MAX_JSON_DEPTH - 1 }, () => 'a')], kind: 'depth' }]);
    let fits: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH - 1; i++) fits = [fits];
    expect(jsonProblems({ fits })).toEqual([]);
  });

  it('when a value nested 2,200 levels deep is parsed as input, then BAD_USER_INPUT names the field instead of overflowing the stack', () => {
    let deep: unknown = {};
    for (let i = 0; i < 2_200; i++) deep = { a: deep };
    const schema = z.object({ metadata: z.record(z.string(), z.unknown()).refine((v) => JSON.stringify(v).length < 100_000) });
    const refusal = refusalOf(() => parseInput(schema, { metadata: deep }, 'input'));
    expect(refusal.problems).toEqual([{ field: `input.metadata${'.a'.repeat(MAX_JSON_DEPTH - 1)}`, message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` }]);
  });

  it('when a lone surrogate is in input, then parseInput refuses it naming the field', () => {
    const refusal = refusalOf(() => parseInput(z.object({ title: z.string() }), { title: 'x\ud800' }, 'input'));
    expect(refusal.problems).toEqual([{ field: 'input.title', message: expect.stringMatching(/lone UTF-16 surrogate/) }]);
  });

  it('when a schema accepts a value that holds U+0000, then parseInput still refuses it as BAD_USER_INPUT naming the field', () => {
    const schema = z.object({ name: z.string(), other: z.number() });
    const refusal = refusalOf(() => parseInput(schema, { name: 'Jana\u0000', other: 'not a number' }, 'input'));
    expect(refusal.problems).toEqual([
      { field: 'input.name', message: 'must not contain the NUL character (U+0000)' },
      { field: 'input.other', message: expect.any(String) },
    ]);
    expect(parseInput(schema, { name: 'Jana', other: 1 }, 'input')).toEqual({ name: 'Jana', other: 1 });
  });

  it('when one item of several holds U+0000, then parseEach names that item', () => {
    const refusal = refusalOf(() => parseEach(z.string(), ['fine', 'bad\u0000'], (i) => `inputs.${i}`));
    expect(refusal.problems).toEqual([{ field: 'inputs.1', message: 'must not contain the NUL character (U+0000)' }]);
  });
});
