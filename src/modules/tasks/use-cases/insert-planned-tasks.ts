import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { appendManyToOutbox } from '../../../platform/outbox/outbox.repository.js';
import type { Caller } from '../../common/caller.js';
import type { CursorCodec } from '../../common/cursor.js';
import type { Task } from '../task.entity.js';
import { type TaskCreationSource, taskCreated } from '../task.events.js';
import type { CreateTaskInput } from '../task.inputs.js';
import { lockExistingForReference, referenceKey } from '../task.locks.js';
import { positionScopeKey, TaskRepository } from '../task.repository.js';
import { ConflictError, NotFoundError } from '../../../platform/errors/planning-error.js';
import { newTaskData } from './new-task.js';
import { resolveProjectsOfNewTasks } from './task-placement.js';

/** Tasks whose inputs were checked and ids drawn: written by {@link insertPlannedTasks}. */
export interface PlannedTasks {
  /** Who creates them: the owner, and the org they go into. */
  actor: Caller;
  inputs: CreateTaskInput[];
  ids: string[];
  source: TaskCreationSource;
  /** Their creation time, and their events' timestamp. */
  at: Date;
  /** How an input is named in a refusal: `input` for one task, `inputs.3` in a list. */
  pathOf: (index: number) => string;
  /** Carried to the bus with their events (request id, traceparent). */
  eventHeaders?: Record<string, string>;
}

/** A plan the database refused to take: a project or parent it names does not exist in the org (`cause`). */
export class PlannedTasksRefused extends Error {
  constructor(
    readonly plan: number,
    override readonly cause: unknown,
  ) {
    super(`the tasks of plan ${plan} were refused`);
  }
}

/**
 * Writes planned tasks through `em`'s transaction in a fixed number of statements, however many plans and tasks:
 * the position locks of every scope (in the one order every writer takes them), the next position of every scope,
 * one insert of the tasks and one of their `planning.task.created` events. The one write path of new tasks: the
 * API's creates and the consumer's groups of inbound events both go through it. Positions continue each scope in
 * plan order. Returns the tasks per plan. Throws {@link PlannedTasksRefused} when a named project or parent is not
 * in the org; any other failure is the statement's own (and leaves the transaction aborted).
 */
export async function insertPlannedTasks(em: SqlEntityManager, codec: CursorCodec, plans: PlannedTasks[]): Promise<Task[][]> {
  if (plans.length === 0) return [];
  const repository = new TaskRepository(em, codec);
  // Only a plan that names a project or a parent costs statements here; the consumer's handlers name none.
  const projectIds: Array<Array<string | null>> = [];
  for (const [k, plan] of plans.entries()) {
    try {
      projectIds.push(await resolveProjectsOfNewTasks(em, codec, plan.actor.orgId, plan.inputs, plan.pathOf));
    } catch (error) {
      throw new PlannedTasksRefused(k, error);
    }
  }
  const locked = await repository.lockPositionScopesOfOrgs(plans.flatMap((plan, k) => projectIds[k]!.map((projectId) => ({ orgId: plan.actor.orgId, projectId }))));
  // The projects and parents read above may have been deleted since: checked again under a lock that keeps them.
  const refused = await refusalOfVanishedReferences(em, plans, projectIds);
  if (refused) throw refused;
  const firstFree = await repository.nextPositions(locked);
  const nextPosition = new Map(locked.map((scope, i) => [positionScopeKey(scope), firstFree[i]!]));

  const tasks = plans.map((plan, k) =>
    plan.inputs.map((input, i) => {
      const scope = { orgId: plan.actor.orgId, projectId: projectIds[k]![i]! };
      const position = nextPosition.get(positionScopeKey(scope))!;
      nextPosition.set(positionScopeKey(scope), position + 1);
      return newTaskData(input, { id: plan.ids[i]!, orgId: scope.orgId, ownerId: plan.actor.userId, projectId: scope.projectId, position, now: plan.at });
    }),
  );
  await repository.insertAll(tasks.flat());
  await appendManyToOutbox(
    em,
    plans.map((plan, k) => ({
      actor: { userId: plan.actor.userId, orgId: plan.actor.orgId, headers: plan.eventHeaders },
      events: tasks[k]!.map((task) => taskCreated(task, plan.source)),
      at: plan.at,
    })),
  );
  return tasks;
}

/**
 * The refusal of the first plan naming a project or parent that no longer exists (or a parent that moved to another
 * project, which its subtask would have joined), checked under `FOR KEY SHARE`
 * locks held until the transaction ends (after the position locks, the order every writer takes them in): a project or
 * task deleted between the plan's first lookup and its insert answers NOT_FOUND naming its input, as one deleted
 * before the create does, not the foreign key's violation. Costs a statement only for plans that name one.
 */
async function refusalOfVanishedReferences(
  em: SqlEntityManager,
  plans: PlannedTasks[],
  projectIds: ReadonlyArray<ReadonlyArray<string | null>>,
): Promise<PlannedTasksRefused | undefined> {
  const pairsOf = (field: 'projectId' | 'parentId') =>
    plans.flatMap((plan) => plan.inputs.flatMap((input) => (input[field] ? [[plan.actor.orgId, input[field]] as const] : [])));
  const [projectPairs, parentPairs] = [pairsOf('projectId'), pairsOf('parentId')];
  if (projectPairs.length === 0 && parentPairs.length === 0) return undefined;
  const projects = await lockExistingForReference(em, 'planning_projects', projectPairs);
  const parents = await lockExistingForReference(em, 'planning_tasks', parentPairs);
  for (const [k, plan] of plans.entries()) {
    for (const [i, input] of plan.inputs.entries()) {
      if (input.projectId && !projects.has(referenceKey(plan.actor.orgId, input.projectId))) {
        return new PlannedTasksRefused(k, new NotFoundError('Project', input.projectId, `${plan.pathOf(i)}.projectId`));
      }
      const parentKey = input.parentId ? referenceKey(plan.actor.orgId, input.parentId) : undefined;
      if (input.parentId && !parents.has(parentKey!)) {
        return new PlannedTasksRefused(k, new NotFoundError('Task', input.parentId, `${plan.pathOf(i)}.parentId`));
      }
      // A subtask without a project of its own joins its parent's: the parent may have moved since it was read (a
      // move holds the position lock this create now holds, so it cannot move again before the create commits).
      if (input.parentId && !input.projectId && parents.get(parentKey!) !== projectIds[k]![i]) {
        const field = `${plan.pathOf(i)}.parentId`;
        return new PlannedTasksRefused(k, new ConflictError(`Task ${input.parentId} (${field}) moved to another project while the task was being created; retry`, { entity: 'Task', id: input.parentId, field }));
      }
    }
  }
  return undefined;
}
