import { randomUUID } from 'node:crypto';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { appendManyToOutbox } from '../../platform/outbox/outbox.repository.js';
import type { Caller } from '../common/caller.js';
import type { CursorCodec } from '../common/cursor.js';
import type { TaskActivity } from './task.activity.js';
import { type Task, TaskSchema } from './task.entity.js';
import { type TaskCreationSource, taskCreated } from './task.events.js';
import type { CreateTaskInput } from './task.inputs.js';
import { positionScopeKey, TaskRepository } from './task.repository.js';
import { newTaskData, parseEventTaskInputs, resolveProjectsOfNewTasks } from './task.service.js';

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
 * its inputs are checked exactly as {@link TaskService.createTasksFromEvent} checks them (a refusal throws at once,
 * in the handler) and its ids are drawn. {@link write} then writes the whole group in a fixed number of statements,
 * whatever its size: the position locks of every scope, the next position of every scope, one insert of the tasks
 * and one of their `planning.task.created` events. Each event committed one by one cost four statements and a
 * unit-of-work flush; the consumer was bound by exactly that.
 *
 * The tasks are the ones the events would create one after the other in the planned order: the same fields and
 * defaults ({@link newTaskData}), positions continuing each scope in that order, an event each.
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
   * `em`'s transaction, which must already hold nothing of theirs. Returns the task activity per event. Throws
   * {@link PlannedCreationRefused} when a named project or parent does not exist; any other failure is the
   * statement's own (and leaves the transaction aborted).
   */
  async write(em: SqlEntityManager, codec: CursorCodec, include: (owner: number) => boolean): Promise<Map<number, TaskActivity[]>> {
    const creations = this.creations.filter((c) => include(c.owner));
    const activity = new Map<number, TaskActivity[]>();
    if (creations.length === 0) return activity;
    const repository = new TaskRepository(em, codec);

    // Only a creation that names a project or a parent costs statements here; the consumer's handlers name none.
    const projectIds: Array<Array<string | null>> = [];
    for (const creation of creations) {
      try {
        projectIds.push(await resolveProjectsOfNewTasks(em, repository, creation.actor.orgId, creation.inputs, (i) => `inputs.${i}`));
      } catch (error) {
        throw new PlannedCreationRefused(creation.owner, error);
      }
    }
    const locked = await repository.lockPositionScopesOfOrgs(
      creations.flatMap((creation, k) => projectIds[k]!.map((projectId) => ({ orgId: creation.actor.orgId, projectId }))),
    );
    const firstFree = await repository.nextPositions(locked);
    const nextPosition = new Map(locked.map((scope, i) => [positionScopeKey(scope), firstFree[i]!]));

    const tasks: Task[][] = creations.map((creation, k) =>
      creation.inputs.map((input, i) => {
        const scope = { orgId: creation.actor.orgId, projectId: projectIds[k]![i]! };
        const position = nextPosition.get(positionScopeKey(scope))!;
        nextPosition.set(positionScopeKey(scope), position + 1);
        return newTaskData(input, { id: creation.ids[i]!, orgId: scope.orgId, ownerId: creation.actor.userId, projectId: scope.projectId, position, now: creation.at });
      }),
    );
    await em.insertMany(TaskSchema, tasks.flat());
    await appendManyToOutbox(
      em,
      creations.map((creation, k) => ({
        actor: { userId: creation.actor.userId, orgId: creation.actor.orgId },
        events: tasks[k]!.map((task) => taskCreated(task, creation.source)),
        at: creation.at,
      })),
    );
    for (const creation of creations) {
      const items = activity.get(creation.owner) ?? [];
      for (const _ of creation.inputs) items.push({ kind: 'created', source: creation.source });
      activity.set(creation.owner, items);
    }
    return activity;
  }
}
