import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlockException } from '@mikro-orm/core';

/** How many times a transaction runs before a deadlock is answered (CONFLICT, see graphql-errors.ts). */
export const DEADLOCK_ATTEMPTS = 3;

/**
 * Runs a whole transaction again when PostgreSQL aborted it to break a deadlock (SQLSTATE 40P01) or a serialization
 * failure (40001; MikroORM converts both to `DeadlockException`): nothing of it was written, and the other
 * transaction has gone on, so the next attempt usually passes. Only for a transaction of its own: one nested in an
 * outer transaction is left to the outer one's handling (an inbound event's group), which decides for all it holds.
 * `run` starts the transaction itself (`attempt` counts from 1) and keeps no state of an attempt outside it.
 */
export async function retryingDeadlocks<T>(run: (attempt: number) => Promise<T>, attempts = DEADLOCK_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(attempt);
    } catch (error) {
      if (!(error instanceof DeadlockException) || attempt >= attempts) throw error;
      // A short, spread pause, so the two sides of the cycle do not meet again at once.
      await sleep(5 * attempt + Math.floor(Math.random() * 20));
    }
  }
}
