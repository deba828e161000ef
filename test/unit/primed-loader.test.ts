import DataLoader from 'dataloader';
import { describe, expect, it } from 'vitest';
import { PrimedLoader } from '../../src/subgraph/primed-loader.js';
import { whenLoaded } from '../../src/modules/common/when-loaded.js';

/** A loader that records every batch it is asked to load. */
function recordingLoader() {
  const batches: string[][] = [];
  const loader = new DataLoader<string, string>(async (keys) => {
    batches.push([...keys]);
    return keys.map((key) => `loaded:${key}`);
  });
  return { loader, batches };
}

describe('PrimedLoader', () => {
  it('when a key was primed, then its load is the value itself (no promise) and nothing is loaded', async () => {
    const { loader, batches } = recordingLoader();
    const primed = new PrimedLoader(loader).prime('a', 'primed:a');
    const answer = primed.load('a');
    expect(answer).toBe('primed:a');
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([]);
  });

  it('when keys were not primed, then they are loaded as a promise, in one batch', async () => {
    const { loader, batches } = recordingLoader();
    const primed = new PrimedLoader(loader).prime('a', 'primed:a');
    const answers = [primed.load('b'), primed.load('c'), primed.load('a')];
    expect(answers[0]).toBeInstanceOf(Promise);
    expect(await Promise.all(answers)).toEqual(['loaded:b', 'loaded:c', 'primed:a']);
    expect(batches).toEqual([['b', 'c']]);
  });

  it('when a key was asked for before it was primed, then it keeps the loaded value, as DataLoader.prime leaves a known key alone', async () => {
    const { loader } = recordingLoader();
    const primed = new PrimedLoader(loader);
    const first = primed.load('a');
    primed.prime('a', 'primed:a');
    expect(await first).toBe('loaded:a');
    expect(await primed.load('a')).toBe('loaded:a');
    expect(await loader.load('a')).toBe('loaded:a');
  });

  it('when a key is primed twice, then the first value stays, in it and in the DataLoader', async () => {
    const { loader } = recordingLoader();
    const primed = new PrimedLoader(loader).prime('a', 'first').prime('a', 'second');
    expect(primed.load('a')).toBe('first');
    expect(await loader.load('a')).toBe('first');
  });
});

describe('whenLoaded', () => {
  it('when given a plain value, then the next step runs at once and its result is plain', () => {
    expect(whenLoaded(2, (n) => n * 3)).toBe(6);
  });

  it('when given a promise, then the next step runs after it and the result is a promise', async () => {
    const result = whenLoaded(Promise.resolve(2), (n) => n * 3);
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toBe(6);
  });
});
