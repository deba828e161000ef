import DataLoader from 'dataloader';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { Connection } from '../modules/common/connection.js';
import { type CursorCodec, canonicalJson } from '../modules/common/cursor.js';
import { DEFAULT_PAGE_SIZE, MAX_SUBTASKS } from '../modules/common/page-args.js';
import { entityId } from '../modules/common/validators.js';
import type { Project } from '../modules/projects/project.entity.js';
import { ProjectRepository } from '../modules/projects/project.repository.js';
import type { Task } from '../modules/tasks/task.entity.js';
import type { TaskFilter, TaskOrder } from '../modules/tasks/task.inputs.js';
import { type TaskPageExtras, TaskRepository } from '../modules/tasks/task.repository.js';
import { PrimedLoader } from './primed-loader.js';

const isEntityId = (id: string) => entityId.safeParse(id).success;

/** Loads by id in one statement per batch; ids that are malformed or of another org resolve to null. */
function byIdLoader<T extends { id: string }>(load: (ids: string[]) => Promise<T[]>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const found = await load(ids.filter(isEntityId).map((id) => id.toLowerCase()));
    const byId = new Map(found.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  });
}

/**
 * Per-request batch loaders, all scoped to the caller's org: a page of 50 tasks with their projects, subtasks and
 * counts, or an `_entities` call for 50 tasks, costs a constant number of statements.
 */
export function createPlanningLoaders(em: SqlEntityManager, orgId: string, codec: CursorCodec) {
  const tasks = new TaskRepository(em, codec);
  const projects = new ProjectRepository(em, codec);
  const projectTaskPages = new Map<string, DataLoader<string, Connection<Task>>>();

  // The loaders a task page primes answer primed keys as plain values (see PrimedLoader).
  const projectById = new PrimedLoader(byIdLoader<Project>((ids) => projects.findByIds(orgId, ids)));
  /** The first {@link MAX_SUBTASKS} direct subtasks of each parent (`Task.subtasks` answers a prefix of them). */
  const subtasksByParent = new DataLoader<string, Task[]>(async (parentIds) => {
    const found = await tasks.findSubtasks(orgId, parentIds, MAX_SUBTASKS);
    const byParent = new Map<string, Task[]>();
    for (const task of found) {
      const list = byParent.get(task.parentId!);
      if (list) list.push(task);
      else byParent.set(task.parentId!, [task]);
    }
    return parentIds.map((id) => byParent.get(id) ?? []);
  });
  /** The ids of {@link subtasksByParent}'s subtasks; a task page primes them from its own statement. */
  const subtaskIdsByParent = new PrimedLoader(
    new DataLoader<string, string[]>(async (parentIds) =>
      (await subtasksByParent.loadMany(parentIds)).map((found) => (found instanceof Error ? found : found.map((subtask) => subtask.id))),
    ),
  );
  const subtaskCountByParent = new PrimedLoader(
    new DataLoader<string, number>(async (parentIds) => {
      const counts = await tasks.countSubtasks(orgId, parentIds);
      return parentIds.map((id) => counts.get(id) ?? 0);
    }),
  );

  return {
    taskById: byIdLoader((ids) => tasks.findByIds(orgId, ids)),
    projectById,
    subtasksByParent,
    subtaskCountByParent,
    subtaskIdsByParent,
    taskCountsByProject: new DataLoader<string, { total: number; completed: number }>(async (projectIds) => {
      const counts = await tasks.countByProject(orgId, projectIds);
      return projectIds.map((id) => counts.get(id) ?? { total: 0, completed: 0 });
    }),
    /**
     * What a page of tasks should read in its own statement for a response selecting `nodeFields` on its nodes:
     * the rows go straight into {@link projectById}, {@link subtaskCountByParent} and {@link subtaskIdsByParent}, whose loads then cost no
     * statement of their own.
     */
    taskPageExtras(nodeFields: ReadonlySet<string>): TaskPageExtras {
      return {
        project: nodeFields.has('project') ? (project) => void projectById.prime(project.id, project) : undefined,
        subtaskCount: nodeFields.has('subtaskCount') ? (taskId, count) => void subtaskCountByParent.prime(taskId, count) : undefined,
        subtaskIds: nodeFields.has('subtaskIds') ? (taskId, ids) => void subtaskIdsByParent.prime(taskId, ids) : undefined,
      };
    },
    /** First pages of `Project.tasks` for every project in the response, one statement per distinct argument set. */
    firstTaskPageOfProject(filter: TaskFilter, order: TaskOrder, size: number = DEFAULT_PAGE_SIZE) {
      const key = canonicalJson([filter, order, size]);
      let loader = projectTaskPages.get(key);
      if (!loader) {
        loader = new DataLoader<string, Connection<Task>>(async (projectIds) => {
          const pages = await tasks.firstPagesByProject(orgId, projectIds, filter, order, size);
          const counts = new DataLoader<string, number>(async (ids) => {
            const found = await tasks.countMatching(orgId, filter, ids);
            return ids.map((id) => found.get(id) ?? 0);
          });
          return projectIds.map((id) => ({ ...pages.get(id)!, totalCount: () => counts.load(id) }));
        });
        projectTaskPages.set(key, loader);
      }
      return loader;
    },
  };
}

export type PlanningLoaders = ReturnType<typeof createPlanningLoaders>;
