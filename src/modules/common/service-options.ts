import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { EventActor } from '../../platform/outbox/outbox.repository.js';
import type { TaskActivityListener } from '../tasks/task.activity.js';
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
}

/** Base of the use-case services: the request's EntityManager, the cursor codec, the clock and event headers. */
export abstract class UseCaseService {
  constructor(
    protected readonly em: SqlEntityManager,
    protected readonly codec: CursorCodec,
    protected readonly options: ServiceOptions = {},
  ) {}

  /** Runs `work` in a transaction; once it has succeeded, reports the org's data as changed. */
  protected async writeTransaction<T>(orgId: string, work: (em: SqlEntityManager) => Promise<T>): Promise<T> {
    const result = await this.em.transactional(work);
    await this.options.onDataChanged?.([orgId]);
    return result;
  }

  protected now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** The caller as the author of events, with this request's headers (request id, trace) for the messages. */
  protected actor(caller: Caller): EventActor {
    return { ...caller, headers: this.options.eventHeaders };
  }
}
