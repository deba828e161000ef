import type { MutationResolvers, QueryResolvers, TaskResolvers } from '../../generated/planning-resolvers.js';
import { assertCanRead } from '../common/caller.js';
import { parseSubtaskCount } from '../common/page-args.js';
import { connectionNodeFields, selectedFields } from '../common/selection.js';
import type { Task as TaskEntity } from './task.entity.js';
import { whenLoaded } from '../common/when-loaded.js';

/** True when a query asks nothing of an object but its id (a REST task's `parent { id }`). */
const onlyIdOf = (info: Parameters<typeof selectedFields>[0]) => [...selectedFields(info)].every((name) => name === 'id' || name === '__typename');

/** Task fields that are not plain columns; every traversal is batched through the request's loaders. */
export const Task: TaskResolvers = {
  // `_entities` is a read like `task(id)`: a caller without a reading role gets FORBIDDEN, not the object.
  __resolveReference: (reference, ctx) => {
    assertCanRead(ctx.caller);
    return ctx.loaders.taskById.load(reference.id);
  },
  project: (task, _args, ctx) => (task.projectId ? ctx.loaders.projectById.load(task.projectId) : null),
  // The parent is in the task's org and exists while the task does (the (org_id, parent_id) foreign key, deleting
  // subtasks with it): its id needs no read of its row.
  parent: (task, _args, ctx, info) => {
    if (!task.parentId) return null;
    return onlyIdOf(info) ? ({ id: task.parentId } as TaskEntity) : ctx.loaders.taskById.load(task.parentId);
  },
  subtasks: async (task, { first }, ctx) => {
    const size = parseSubtaskCount(first);
    const subtasks = await ctx.loaders.subtasksByParent.load(task.id);
    return ctx.answerSize.take(subtasks.length > size ? subtasks.slice(0, size) : subtasks);
  },
  subtaskIds: (task, _args, ctx) => whenLoaded(ctx.loaders.subtaskIdsByParent.load(task.id), (ids) => ctx.answerSize.take(ids)),
  subtaskCount: (task, _args, ctx) => ctx.loaders.subtaskCountByParent.load(task.id),
  owner: (task) => ({ id: task.ownerId }),
  assignee: (task) => (task.assigneeId ? { id: task.assigneeId } : null),
  description: (task) => task.description ?? null,
  dueDate: (task) => task.dueDate ?? null,
  completedAt: (task) => task.completedAt ?? null,
};

export const taskQueries: QueryResolvers = {
  task: (_root, { id }, ctx) => ctx.tasks.getTask(ctx.caller, id),
  // The page's own statement also reads the projects and subtask counts the query asks for (one statement in all).
  tasks: async (_root, args, ctx, info) => ctx.answerSize.takePage(await ctx.tasks.listTasks(ctx.caller, args, ctx.loaders.taskPageExtras(connectionNodeFields(info)))),
};

export const taskMutations: MutationResolvers = {
  createTask: (_root, { input, idempotencyKey }, ctx) => ctx.tasks.createTask(ctx.caller, input, idempotencyKey),
  createTasks: (_root, { inputs, idempotencyKey }, ctx) => ctx.tasks.createTasks(ctx.caller, inputs, idempotencyKey),
  updateTask: (_root, { id, input, expectedVersion }, ctx) => ctx.tasks.updateTask(ctx.caller, id, input, expectedVersion),
  completeTask: (_root, { id, actualMinutes, expectedVersion }, ctx) =>
    ctx.tasks.completeTask(ctx.caller, id, actualMinutes, expectedVersion),
  reopenTask: (_root, { id, expectedVersion }, ctx) => ctx.tasks.reopenTask(ctx.caller, id, expectedVersion),
  moveTask: (_root, { id, input, expectedVersion }, ctx) => ctx.tasks.moveTask(ctx.caller, id, input, expectedVersion),
  deleteTask: async (_root, { id }, ctx) => ({ deletedId: await ctx.tasks.deleteTask(ctx.caller, id) }),
};
