import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { retryingDeadlocks } from '../../platform/db/deadlock-retry.js';
import type { EventActor } from '../../platform/outbox/outbox.repository.js';
import type { TaskActivityListener } from '../tasks/task.activity.js';
import type { TaskCreationQueue } from '../tasks/use-cases/task-creation-queue.js';
import type { Caller } from './caller.js';
import type { CursorCodec } from './cursor.js';

/** What a use-case service may be given besides its EntityManager. */
export interface ServiceOptions {
  /** The clock (tests freeze it). */
  now?: () => Date;
  /** Headers the request's events carry to the bus (e.g. `x-request-id`), so one id follows a change to its events. */
  eventHeaders?: Record<string, string>;
  /** Told about task creations and completions once they are committed (metrics). */
  onTaskActivity?: TaskActivityListener;
  /**
   * Awaited after each write transaction of the service, before the use case returns: which orgs' planning data
   * changed (the gateway's answer cache is invalidated through it). When the service runs inside an outer
   * transaction (the worker), the listener collects and the outer code reports after its own commit.
   */
  onDataChanged?: (orgIds: string[]) => Promise<void> | void;
  /**
   * Where the API's creates without idempotency key are written, by group commit with the process's other creates;
   * each create in a transaction of its own when unset (and always inside an outer transaction, as in the worker).
   */
  taskCreations?: TaskCreationQueue;
}

/**
 * What every use case works with: the request's EntityManager and cursor codec, the clock, the authorship of events,
 * and the write transaction that reports the changed org once it committed.
 */
export interface UseCaseContext {
  readonly em: SqlEntityManager;
  readonly codec: CursorCodec;
  readonly options: ServiceOptions;
  /**
   * Runs `work` in a transaction (again, up to 3 times, when PostgreSQL aborted it to break a deadlock); once it has
   * succeeded, reports the org's data as changed. `work` keeps no state of an attempt outside the transaction.
   */
  writeTransaction<T>(orgId: string, work: (em: SqlEntityManager) => Promise<T>): Promise<T>;
  now(): Date;
  /** The caller as the author of events, with this request's headers (request id, trace) for the messages. */
  actor(caller: Caller): EventActor;
}

/** Base of the use-case services (one instance per request): the {@link UseCaseContext} its use cases run with. */
export abstract class UseCaseService implements UseCaseContext {
  constructor(
    readonly em: SqlEntityManager,
    readonly codec: CursorCodec,
    readonly options: ServiceOptions = {},
  ) {}

  async writeTransaction<T>(orgId: string, work: (em: SqlEntityManager) => Promise<T>): Promise<T> {
    // A deadlock aborts the whole transaction: one of its own runs again, one inside an outer transaction is the outer
    // one's to handle. A retry starts from an empty identity map: the first attempt may have changed the request's
    // entities (a transaction's fork shares them) before it was aborted.
    const result = this.em.isInTransaction()
      ? await this.em.transactional(work)
      : await retryingDeadlocks((attempt) => this.em.transactional(work, attempt > 1 ? { clear: true } : {}));
    await this.options.onDataChanged?.([orgId]);
    return result;
  }

  now(): Date {
    return this.options.now?.() ?? new Date();
  }

  actor(caller: Caller): EventActor {
    return { ...caller, headers: this.options.eventHeaders };
  }
}
