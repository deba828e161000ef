import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError, NotFoundError } from '../../../platform/errors/planning-error.js';
import type { CursorCodec } from '../../common/cursor.js';
import { ProjectRepository } from '../../projects/project.repository.js';
import type { CreateTaskInput } from '../task.inputs.js';
import { TaskRepository } from '../task.repository.js';

/**
 * Checks that the projects and parents new tasks name exist in the org (NOT_FOUND naming the input's field
 * otherwise) and returns the project each task goes into: its own, else its parent's (a subtask lives in its
 * parent's project), else none. No statement when no input names a project or parent.
 */
export async function resolveProjectsOfNewTasks(
  em: SqlEntityManager,
  codec: CursorCodec,
  orgId: string,
  inputs: CreateTaskInput[],
  pathOf: (index: number) => string,
): Promise<Array<string | null>> {
  const projectIds = [...new Set(inputs.map((i) => i.projectId).filter((id): id is string => !!id))];
  const parentIds = [...new Set(inputs.map((i) => i.parentId).filter((id): id is string => !!id))];
  const [projects, parents] = await Promise.all([new ProjectRepository(em, codec).findByIds(orgId, projectIds), new TaskRepository(em, codec).findByIds(orgId, parentIds)]);
  const knownProjects = new Set(projects.map((p) => p.id));
  const parentsById = new Map(parents.map((t) => [t.id, t]));
  return inputs.map((input, i) => {
    if (input.projectId && !knownProjects.has(input.projectId)) throw new NotFoundError('Project', input.projectId, `${pathOf(i)}.projectId`);
    const parent = input.parentId ? parentsById.get(input.parentId) : undefined;
    if (input.parentId && !parent) throw new NotFoundError('Task', input.parentId, `${pathOf(i)}.parentId`);
    return input.projectId ?? parent?.projectId ?? null;
  });
}

/**
 * Takes the position locks of the task's current project and of `targetProjectId` (undefined: the current one)
 * before the task's row lock. A move renumbers other tasks' rows while it holds a position lock, so a change that
 * took its row lock first and the position lock second could deadlock with a concurrent move in the same project.
 */
export async function lockPositionScopesOf(
  em: SqlEntityManager,
  codec: CursorCodec,
  orgId: string,
  taskId: string,
  targetProjectId: string | null | undefined,
): Promise<void> {
  const repository = new TaskRepository(em, codec);
  const currentProjectId = await repository.findProjectIdOf(orgId, taskId);
  if (currentProjectId === undefined) return; // unknown task: the change answers NOT_FOUND
  await repository.lockPositionScopes(orgId, [currentProjectId, targetProjectId === undefined ? currentProjectId : targetProjectId]);
}

export async function assertProjectExists(em: SqlEntityManager, codec: CursorCodec, orgId: string, projectId: string, field: string): Promise<void> {
  if (!(await new ProjectRepository(em, codec).exists(orgId, projectId))) throw new NotFoundError('Project', projectId, field);
}

/** The parent exists in the org and is not the task itself or one of its descendants. */
export async function assertParentAllowed(repository: TaskRepository, orgId: string, taskId: string, parentId: string, field: string): Promise<void> {
  if (!(await repository.exists(orgId, parentId))) throw new NotFoundError('Task', parentId, field);
  if (await repository.wouldCreateCycle(orgId, taskId, parentId)) {
    throw BadUserInputError.of(field, 'would make the task its own ancestor (a cycle in parent links)');
  }
}
