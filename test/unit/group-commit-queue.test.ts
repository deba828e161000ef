import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GroupCommitQueue } from '../../src/platform/db/group-commit-queue.js';

/** A group runner the test finishes by hand, recording the groups it was given. */
function aControlledRunner() {
  const groups: string[][] = [];
  const pending: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  const run = (items: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      groups.push(items);
      pending.push({ resolve: () => resolve(items.map((item) => `done ${item}`)), reject });
    });
  const settled = () => new Promise((resolve) => setImmediate(resolve));
  return {
    run,
    groups,
    /** Finishes the oldest running group and lets the queue react. */
    async finishGroup() {
      pending.shift()!.resolve();
      await settled();
    },
    async failGroup(error: Error) {
      pending.shift()!.reject(error);
      await settled();
    },
    settled,
  };
}

describe('GroupCommitQueue', () => {
  // Time stands still: the queue must never wait on a timer.
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('when an item arrives while the queue is idle, then its group starts at once with it alone', async () => {
    const runner = aControlledRunner();
    const queue = new GroupCommitQueue(runner.run, 50);
    const result = queue.submit('a');
    await runner.settled();
    expect(runner.groups).toEqual([['a']]);
    await runner.finishGroup();
    await expect(result).resolves.toBe('done a');
  });

  it('when items arrive while a group runs, then they wait and run together in the next group', async () => {
    const runner = aControlledRunner();
    const queue = new GroupCommitQueue(runner.run, 50);
    const first = queue.submit('a');
    await runner.settled();
    const later = ['b', 'c', 'd'].map((item) => queue.submit(item));
    await runner.settled();
    expect(runner.groups).toEqual([['a']]);

    await runner.finishGroup();
    expect(runner.groups).toEqual([['a'], ['b', 'c', 'd']]);
    await runner.finishGroup();
    await expect(first).resolves.toBe('done a');
    await expect(Promise.all(later)).resolves.toEqual(['done b', 'done c', 'done d']);
  });

  it('when items are submitted in the same turn of the event loop, then they share one group', async () => {
    const runner = aControlledRunner();
    const queue = new GroupCommitQueue(runner.run, 50);
    void ['a', 'b', 'c'].map((item) => queue.submit(item));
    await runner.settled();
    expect(runner.groups).toEqual([['a', 'b', 'c']]);
  });

  it('when more items wait than a group may hold, then they run in groups of at most that size, oldest first', async () => {
    const runner = aControlledRunner();
    const queue = new GroupCommitQueue(runner.run, 2);
    const results = ['a', 'b', 'c', 'd', 'e'].map((item) => queue.submit(item));
    await runner.settled();
    await runner.finishGroup();
    await runner.finishGroup();
    await runner.finishGroup();
    expect(runner.groups).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    await expect(Promise.all(results)).resolves.toEqual(['done a', 'done b', 'done c', 'done d', 'done e']);
  });

  it('when a group fails, then each of its items is rejected with the error and the items waiting behind it still run', async () => {
    const runner = aControlledRunner();
    const queue = new GroupCommitQueue(runner.run, 50);
    const failed = [queue.submit('a'), queue.submit('b')].map((result) => result.then(() => 'resolved', (error: Error) => error.message));
    await runner.settled();
    const waiting = queue.submit('c');
    await runner.failGroup(new Error('connection lost'));
    await expect(Promise.all(failed)).resolves.toEqual(['connection lost', 'connection lost']);
    await runner.finishGroup();
    await expect(waiting).resolves.toBe('done c');
  });

  it('when the group size is not a positive integer, then the queue refuses to exist', () => {
    expect(() => new GroupCommitQueue(async () => [], 0)).toThrow(/maxGroupSize/);
  });
});
