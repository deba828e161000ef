import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { readingOrderKey } from '../../../platform/text/reading-order.js';
import { assertCanWrite, type Caller } from '../../common/caller.js';
import type { UseCaseContext } from '../../common/service-options.js';
import { parseInput } from '../../common/validators.js';
import type { Task } from '../task.entity.js';
import { updateTaskInput } from '../task.inputs.js';
import { TaskRepository } from '../task.repository.js';
import { applyStatus } from '../task.rules.js';
import { changeTask } from './change-task.js';
import { assertParentAllowed, assertProjectExists, lockPositionScopesOf } from './task-placement.js';

/** `updateTask`: the fields given change; a new project puts the task at its end; a new parent must not make a cycle. */
export async function updateTask(uc: UseCaseContext, caller: Caller, id: string, rawInput: unknown, rawExpectedVersion?: number | null): Promise<Task> {
  assertCanWrite(caller);
  const input = parseInput(updateTaskInput, rawInput, 'input');
  const lockFirst =
    input.projectId === undefined ? undefined : (em: SqlEntityManager, taskId: string) => lockPositionScopesOf(em, uc.codec, caller.orgId, taskId, input.projectId);
  return changeTask(uc, caller, id, rawExpectedVersion, async (task, em) => {
    const repository = new TaskRepository(em, uc.codec);
    const { status, projectId, parentId, ...plain } = input;
    for (const [name, value] of Object.entries(plain)) {
      if (value !== undefined) (task as Record<string, unknown>)[name] = value;
    }
    if (plain.title !== undefined) task.titleKey = readingOrderKey(plain.title);
    if (status) applyStatus(task, status, uc.now());
    if (parentId !== undefined && parentId !== task.parentId) {
      if (parentId !== null) await assertParentAllowed(repository, caller.orgId, task.id, parentId, 'input.parentId');
      task.parentId = parentId;
    }
    if (projectId !== undefined && projectId !== task.projectId) {
      if (projectId !== null) await assertProjectExists(em, uc.codec, caller.orgId, projectId, 'input.projectId');
      await repository.lockPositionScope(caller.orgId, projectId);
      task.position = await repository.nextPosition(caller.orgId, projectId);
      task.projectId = projectId;
    }
  }, lockFirst);
}
