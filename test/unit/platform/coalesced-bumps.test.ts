import { describe, expect, it } from 'vitest';
import { coalescedBumps, type PlanningDataVersions } from '../../../src/platform/cache/planning-data-cache.js';

/** A version store that records each bump it is asked for, and can be made to fail. */
function recordingVersions() {
  const bumps: string[][] = [];
  let failWith: Error | undefined;
  const versions: PlanningDataVersions = {
    fingerprint: 'test',
    async bump(orgIds) {
      bumps.push([...orgIds].sort());
      if (failWith) throw failWith;
    },
  };
  return { versions, bumps, fail: (error: Error) => (failWith = error) };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('coalescedBumps', () => {
  it('when several writes announce their orgs in the same turn, then one bump carries every org once, and each caller waits for it', async () => {
    const { versions, bumps } = recordingVersions();
    const bump = coalescedBumps(versions);
    let settled = 0;
    const calls = [bump(['org-a']), bump(['org-b']), bump(['org-a', 'org-c'])].map((call) => call.then(() => settled++));
    expect(bumps).toEqual([]);
    expect(settled).toBe(0);
    await Promise.all(calls);
    expect(bumps).toEqual([['org-a', 'org-b', 'org-c']]);
    expect(settled).toBe(3);
  });

  it('when a write announces after the previous bump went out, then it gets a bump of its own', async () => {
    const { versions, bumps } = recordingVersions();
    const bump = coalescedBumps(versions);
    await bump(['org-a']);
    await nextTurn();
    await bump(['org-a']);
    expect(bumps).toEqual([['org-a'], ['org-a']]);
  });

  it('when the bump fails, then every caller of it sees the failure', async () => {
    const { versions, fail } = recordingVersions();
    fail(new Error('redis is down'));
    const bump = coalescedBumps(versions);
    const results = await Promise.allSettled([bump(['org-a']), bump(['org-b'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.message).toBe('redis is down');
  });
});
