import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { nulCharacterPaths, parseEach, parseInput } from '../../src/modules/common/validators.js';
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

describe('NUL characters in input', () => {
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
