import type { MutationResolvers, ProjectResolvers, QueryResolvers } from '../../generated/planning-resolvers.js';
import { assertCanRead } from '../common/caller.js';
import { parsePageArgs } from '../common/page-args.js';
import { parseInput } from '../common/validators.js';
import { taskFilter, taskOrder } from '../tasks/task.inputs.js';

export const Project: ProjectResolvers = {
  // `_entities` is a read like `task(id)`: a caller without a reading role gets FORBIDDEN, not the object.
  __resolveReference: (reference, ctx) => {
    assertCanRead(ctx.caller);
    return ctx.loaders.projectById.load(reference.id);
  },
  /**
   * First pages (no cursor) of every project in the response share one statement; a page after a cursor is one
   * project's list, read like `Query.tasks` with `filter.projectId`.
   */
  tasks: async (project, args, ctx) => {
    const scopedFilter = { ...(args.filter ?? {}), projectId: project.id };
    const page = parsePageArgs(args);
    if (page.cursor === undefined && page.direction === 'forward') {
      // Without the project id, so every project's first page shares one loader (one statement, not one per project).
      const { projectId: _project, ...filter } = parseInput(taskFilter, scopedFilter, 'filter');
      const order = parseInput(taskOrder, args.orderBy, 'orderBy');
      return ctx.answerSize.takePage(await ctx.loaders.firstTaskPageOfProject(filter, order, page.size).load(project.id));
    }
    return ctx.answerSize.takePage(await ctx.tasks.listTasks(ctx.caller, { ...args, filter: scopedFilter }));
  },
  taskCount: async (project, _args, ctx) => (await ctx.loaders.taskCountsByProject.load(project.id)).total,
  completedTaskCount: async (project, _args, ctx) => (await ctx.loaders.taskCountsByProject.load(project.id)).completed,
  owner: (project) => ({ id: project.ownerId }),
  description: (project) => project.description ?? null,
  color: (project) => project.color ?? null,
  icon: (project) => project.icon ?? null,
};

export const projectQueries: QueryResolvers = {
  project: (_root, { id }, ctx) => ctx.projects.getProject(ctx.caller, id),
  projects: async (_root, args, ctx) => ctx.answerSize.takePage(await ctx.projects.listProjects(ctx.caller, args)),
};

export const projectMutations: MutationResolvers = {
  createProject: (_root, { input, idempotencyKey }, ctx) => ctx.projects.createProject(ctx.caller, input, idempotencyKey),
  updateProject: (_root, { id, input, expectedVersion }, ctx) =>
    ctx.projects.updateProject(ctx.caller, id, input, expectedVersion),
  archiveProject: (_root, { id, expectedVersion }, ctx) => ctx.projects.archiveProject(ctx.caller, id, expectedVersion),
  deleteProject: (_root, { id }, ctx) => ctx.projects.deleteProject(ctx.caller, id),
};
