import { randomUUID } from 'node:crypto';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../../common/caller.js';
import type { CursorCodec } from '../../common/cursor.js';
import type { TaskActivity } from '../task.activity.js';
import type { TaskCreationSource } from '../task.events.js';
import type { CreateTaskInput } from '../task.inputs.js';
import { parseEventTaskInputs } from './create-tasks.js';
import { insertPlannedTasks, PlannedTasksRefused } from './insert-planned-tasks.js';

/** What an inbound event's handler may do with tasks: create them on behalf of the event's actor. */
export interface EventTaskCreator {
  createTasksFromEvent(actor: Caller, rawInputs: unknown[], source: TaskCreationSource): Promise<Array<{ id: string }>>;
}

interface PlannedCreation {
  /** The event (its index in the group) that asked for these tasks. */
  owner: number;
  actor: Caller;
  inputs: CreateTaskInput[];
  source: TaskCreationSource;
  ids: string[];
  /** When the handler asked: the tasks' creation time and their events' timestamp, as the use case would set them. */
  at: Date;
}

/** A planned creation that the database refused to take: a project or parent it names does not exist in the org. */
export class PlannedCreationRefused extends Error {
  constructor(
    readonly owner: number,
    override readonly cause: unknown,
  ) {
    super(`the tasks of event ${owner} were refused`);
  }
}

/**
 * The tasks a group of inbound events creates. While the group's handlers run, each creation is only planned:
 * its inputs are checked exactly as `createTasksFromEvent` checks them (a refusal throws at once, in the handler)
 * and its ids are drawn. {@link write} then writes the whole group with {@link insertPlannedTasks}, in a fixed
 * number of statements whatever its size. The tasks are the ones the events would create one after the other in
 * the planned order: the same fields and defaults, positions continuing each scope in that order, an event each.
 */
export class EventTaskBatch {
  private readonly creations: PlannedCreation[] = [];

  /** The creator handed to the handler of event `owner`. */
  creatorFor(owner: number): EventTaskCreator {
    return {
      createTasksFromEvent: async (actor, rawInputs, source) => {
        const inputs = parseEventTaskInputs(actor, rawInputs);
        const ids = inputs.map(() => randomUUID());
        this.creations.push({ owner, actor, inputs, source, ids, at: new Date() });
        return ids.map((id) => ({ id }));
      },
    };
  }

  /**
   * Writes the planned creations of the events `include` accepts (the others, duplicates, are dropped) through
   * `em`'s transaction, which must already hold nothing of theirs, with {@link insertPlannedTasks} (the one write
   * path of new tasks). Returns the task activity per event. Throws {@link PlannedCreationRefused} when a named
   * project or parent does not exist; any other failure is the statement's own (and leaves the transaction aborted).
   */
  async write(em: SqlEntityManager, codec: CursorCodec, include: (owner: number) => boolean): Promise<Map<number, TaskActivity[]>> {
    const creations = this.creations.filter((c) => include(c.owner));
    const activity = new Map<number, TaskActivity[]>();
    if (creations.length === 0) return activity;
    try {
      await insertPlannedTasks(
        em,
        codec,
        creations.map((creation) => ({ actor: creation.actor, inputs: creation.inputs, ids: creation.ids, source: creation.source, at: creation.at, pathOf: (i) => `inputs.${i}` })),
      );
    } catch (error) {
      if (error instanceof PlannedTasksRefused) throw new PlannedCreationRefused(creations[error.plan]!.owner, error.cause);
      throw error;
    }
    for (const creation of creations) {
      const items = activity.get(creation.owner) ?? [];
      for (const _ of creation.inputs) items.push({ kind: 'created', source: creation.source });
      activity.set(creation.owner, items);
    }
    return activity;
  }
}
