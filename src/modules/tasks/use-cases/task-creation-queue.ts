import type { MikroORM } from '@mikro-orm/postgresql';
import { GroupCommitQueue } from '../../../platform/db/group-commit-queue.js';
import { isDatabaseUnavailable } from '../../../platform/errors/service-unavailable.js';
import type { CursorCodec } from '../../common/cursor.js';
import type { Task } from '../task.entity.js';
import { insertPlannedTasks, type PlannedTasks, PlannedTasksRefused } from './insert-planned-tasks.js';

/** The most creates (plans) one transaction of {@link TaskCreationQueue} takes. */
export const DEFAULT_CREATE_GROUP_MAX = 64;

type Outcome = { tasks: Task[] } | { error: unknown };

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
 * const creations = new TaskCreationQueue(orm, codec);
 * const [tasks] = await creations.submit(plan);
 */
export class TaskCreationQueue {
  private readonly queue: GroupCommitQueue<PlannedTasks, Outcome>;
  /** Transactions committed and creates answered by them so far (tests and benches read it). */
  readonly committed = { groups: 0, creates: 0 };

  constructor(
    private readonly orm: MikroORM,
    private readonly codec: CursorCodec,
    maxGroupSize = DEFAULT_CREATE_GROUP_MAX,
  ) {
    this.queue = new GroupCommitQueue((plans) => this.writeGroup(plans), maxGroupSize);
  }

  /** Writes the plan's tasks in the next group; resolves with them once that group has committed. */
  async submit(plan: PlannedTasks): Promise<Task[]> {
    const outcome = await this.queue.submit(plan);
    if ('error' in outcome) throw outcome.error;
    return outcome.tasks;
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
    const written = await this.orm.em.fork().transactional((em) => insertPlannedTasks(em, this.codec, plans));
    this.committed.groups++;
    this.committed.creates += plans.length;
    return written;
  }
}
