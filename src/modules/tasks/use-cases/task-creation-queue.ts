import type { MikroORM } from '@mikro-orm/postgresql';
import { GroupCommitQueue } from '../../../platform/db/group-commit-queue.js';
import { retryingDeadlocks } from '../../../platform/db/deadlock-retry.js';
import { isDatabaseUnavailable } from '../../../platform/errors/service-unavailable.js';
import type { CursorCodec } from '../../common/cursor.js';
import type { Task } from '../task.entity.js';
import { insertPlannedTasks, type PlannedTasks, PlannedTasksRefused } from './insert-planned-tasks.js';

/** The most creates (plans) one transaction of {@link TaskCreationQueue} takes. */
export const DEFAULT_CREATE_GROUP_MAX = 64;

type Outcome = { tasks: Task[] } | { error: unknown };

interface Waiting {
  plan: PlannedTasks;
  submittedAt: number;
}

/**
 * A create that waited longer than the queue's `maxWaitMs` for the groups before its own, refused unwritten. Its
 * message is the driver's for a pool that hands out no connection, so it is answered as such (503, retryable).
 */
export class CreateQueueTimeoutError extends Error {
  constructor(waitedMs: number) {
    super(`Timeout acquiring a connection: the create waited ${waitedMs} ms for the writes before it`);
    this.name = 'CreateQueueTimeoutError';
  }
}

export interface TaskCreationQueueOptions {
  /** The most creates one transaction takes ({@link DEFAULT_CREATE_GROUP_MAX} when unset). */
  maxGroupSize?: number;
  /**
   * How long a create may wait for the groups before its own (a stalled database holds them) before it is refused
   * unwritten, like a request waiting for a pooled connection (`DATABASE_ACQUIRE_TIMEOUT_MS`). No bound when unset.
   */
  maxWaitMs?: number;
  /** The clock, in ms. */
  now?: () => number;
}

/**
 * Group commit of the API's creates: the `createTask` and `createTasks` calls (without idempotency key) that arrive
 * while a group is being written go together in the next transaction, written by {@link insertPlannedTasks} in its
 * fixed number of statements (one position lock and one position read per scope, one insert of the tasks and one of
 * their events). Every create of an org takes that org's position lock until its commit, so one transaction per
 * create serialises the org's creates on the lock, each holding it for four statements and a commit flush; a group
 * holds it once for all of them.
 *
 * Each create stays its own unit: `submit` resolves with its own tasks once the group's transaction has committed
 * (tasks and their outbox events together), or rejects with its own error. A create naming a project or parent
 * that is not in its org is refused alone and the group is written again without it. Any other failure of the
 * group's write (a constraint the data broke, say) writes its creates again one transaction each, so only the one
 * at fault fails; a database that cannot be reached fails the whole group at once, as it would each of them.
 * Creates go into one group in the order they were submitted, so their tasks' `created_seq` follows that order.
 *
 * @example
 * const creations = new TaskCreationQueue(orm, codec, { maxWaitMs: 5000 });
 * const [tasks] = await creations.submit(plan);
 */
export class TaskCreationQueue {
  private readonly queue: GroupCommitQueue<Waiting, Outcome>;
  private readonly maxWaitMs: number;
  private readonly now: () => number;
  /** Transactions committed and creates answered by them so far (tests and benches read it). */
  readonly committed = { groups: 0, creates: 0 };

  constructor(
    private readonly orm: MikroORM,
    private readonly codec: CursorCodec,
    options: TaskCreationQueueOptions = {},
  ) {
    this.maxWaitMs = options.maxWaitMs ?? Number.POSITIVE_INFINITY;
    this.now = options.now ?? Date.now;
    this.queue = new GroupCommitQueue((waiting) => this.startGroup(waiting), options.maxGroupSize ?? DEFAULT_CREATE_GROUP_MAX);
  }

  /** Writes the plan's tasks in the next group; resolves with them once that group has committed. */
  async submit(plan: PlannedTasks): Promise<Task[]> {
    const outcome = await this.queue.submit({ plan, submittedAt: this.now() });
    if ('error' in outcome) throw outcome.error;
    return outcome.tasks;
  }

  /** Refuses the creates that waited too long; writes the others. */
  private async startGroup(waiting: Waiting[]): Promise<Outcome[]> {
    const startedAt = this.now();
    const timely = waiting.filter((w) => startedAt - w.submittedAt <= this.maxWaitMs);
    const written = timely.length > 0 ? await this.writeGroup(timely.map((w) => w.plan)) : [];
    let next = 0;
    return waiting.map((w) => (startedAt - w.submittedAt <= this.maxWaitMs ? written[next++]! : { error: new CreateQueueTimeoutError(startedAt - w.submittedAt) }));
  }

  private async writeGroup(plans: PlannedTasks[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array(plans.length);
    let pending = plans.map((_, i) => i);
    while (pending.length > 0) {
      try {
        const written = await this.write(pending.map((i) => plans[i]!));
        pending.forEach((i, k) => (outcomes[i] = { tasks: written[k]! }));
        return outcomes;
      } catch (error) {
        if (error instanceof PlannedTasksRefused) {
          // Refused before anything was written: that create alone fails, the others go again as a group.
          const refused = pending[error.plan]!;
          outcomes[refused] = { error: error.cause };
          pending = pending.filter((i) => i !== refused);
        } else if (pending.length === 1 || isDatabaseUnavailable(error)) {
          for (const i of pending) outcomes[i] = { error };
          return outcomes;
        } else {
          for (const i of pending) outcomes[i] = await this.writeAlone(plans[i]!);
          return outcomes;
        }
      }
    }
    return outcomes;
  }

  private async writeAlone(plan: PlannedTasks): Promise<Outcome> {
    try {
      const [tasks] = await this.write([plan]);
      return { tasks: tasks! };
    } catch (error) {
      return { error: error instanceof PlannedTasksRefused ? error.cause : error };
    }
  }

  private async write(plans: PlannedTasks[]): Promise<Task[][]> {
    const written = await retryingDeadlocks(() => this.orm.em.fork().transactional((em) => insertPlannedTasks(em, this.codec, plans)));
    this.committed.groups++;
    this.committed.creates += plans.length;
    return written;
  }
}
