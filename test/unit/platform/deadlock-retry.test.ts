import { DeadlockException } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { DEADLOCK_ATTEMPTS, retryingDeadlocks } from '../../../src/platform/db/deadlock-retry.js';

const deadlock = () => new DeadlockException(Object.assign(new Error('deadlock detected'), { code: '40P01' }));

describe('retryingDeadlocks', () => {
  it('when a transaction is aborted by a deadlock and then passes, then its answer is the second attempt\'s', async () => {
    const seen: number[] = [];
    const answer = await retryingDeadlocks(async (attempt) => {
      seen.push(attempt);
      if (attempt === 1) throw deadlock();
      return 'written';
    });
    expect(answer).toBe('written');
    // Each attempt is told its number (a retry starts its transaction from an empty identity map).
    expect(seen).toEqual([1, 2]);
  });

  it(`when every attempt meets a deadlock, then it gives up after ${DEADLOCK_ATTEMPTS} attempts with the deadlock`, async () => {
    let attempts = 0;
    await expect(
      retryingDeadlocks(async () => {
        attempts++;
        throw deadlock();
      }),
    ).rejects.toBeInstanceOf(DeadlockException);
    expect(attempts).toBe(DEADLOCK_ATTEMPTS);
  });

  it('when the failure is not a deadlock, then it is not run again', async () => {
    let attempts = 0;
    await expect(
      retryingDeadlocks(async () => {
        attempts++;
        throw new Error('some other failure');
      }),
    ).rejects.toThrow('some other failure');
    expect(attempts).toBe(1);
  });
});
