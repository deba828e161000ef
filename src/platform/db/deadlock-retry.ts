import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlockException } from '@mikro-orm/core';

/** How many times a transaction runs before a deadlock is answered (CONFLICT, see graphql-errors.ts). */
export const DEADLOCK_ATTEMPTS = 3;

/**
 * Runs a whole transaction again when PostgreSQL broke a deadlock by aborting it (SQLSTATE 40P01): nothing of it was
 * written, and the other transaction of the cycle has gone on, so the next attempt usually passes. Only for a
 * transaction of its own: one nested in an outer transaction cannot be retried (the abort ends the outer one too).
 * `run` must start the transaction itself and keep no state of an attempt outside it.
 */
export async function retryingDeadlocks<T>(run: () => Promise<T>, attempts = DEADLOCK_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof DeadlockException) || attempt >= attempts) throw error;
      // A short, spread pause, so the two sides of the cycle do not meet again at once.
      await sleep(5 * attempt + Math.floor(Math.random() * 20));
    }
  }
}
