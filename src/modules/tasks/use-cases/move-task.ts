import { assertCanWrite, type Caller } from '../../common/caller.js';
import type { UseCaseContext } from '../../common/service-options.js';
import { parseInput } from '../../common/validators.js';
import type { Task } from '../task.entity.js';
import { moveTaskInput } from '../task.inputs.js';
import { TaskRepository } from '../task.repository.js';
import { changeTask } from './change-task.js';
import { assertProjectExists, lockPositionScopesOf } from './task-placement.js';

/** `moveTask`: the task at `position` (0-based) in its project, or in another project when `projectId` is given. */
export async function moveTask(uc: UseCaseContext, caller: Caller, id: string, rawInput: unknown, rawExpectedVersion?: number | null): Promise<Task> {
  assertCanWrite(caller);
  const input = parseInput(moveTaskInput, rawInput, 'input');
  return changeTask(
    uc,
    caller,
    id,
    rawExpectedVersion,
    async (task, em) => {
      const repository = new TaskRepository(em, uc.codec);
      const targetProjectId = input.projectId === undefined ? task.projectId : input.projectId;
      if (targetProjectId && targetProjectId !== task.projectId) await assertProjectExists(em, uc.codec, caller.orgId, targetProjectId, 'input.projectId');
      await repository.lockPositionScope(caller.orgId, targetProjectId ?? null);
      task.position = await repository.openGapForMove(caller.orgId, targetProjectId ?? null, task.id, input.position);
      task.projectId = targetProjectId ?? null;
      // A move is a deliberate change even when the task lands where it was: it always gets a new version.
      task.updatedAt = uc.now();
    },
    (em, taskId) => lockPositionScopesOf(em, uc.codec, caller.orgId, taskId, input.projectId),
  );
}
