import { assertCanWrite, type Caller } from '../../common/caller.js';
import type { UseCaseContext } from '../../common/service-options.js';
import { parseInput } from '../../common/validators.js';
import type { Task } from '../task.entity.js';
import { updateTaskInput } from '../task.inputs.js';
import { applyStatus } from '../task.rules.js';
import { changeTask } from './change-task.js';

/** `completeTask`: COMPLETED (completedAt set), with the actual minutes when given. */
export async function completeTask(uc: UseCaseContext, caller: Caller, id: string, actualMinutes?: number | null, rawExpectedVersion?: number | null): Promise<Task> {
  assertCanWrite(caller);
  const minutes = parseInput(updateTaskInput.shape.actualMinutes, actualMinutes, 'actualMinutes');
  return changeTask(uc, caller, id, rawExpectedVersion, async (task) => {
    applyStatus(task, 'COMPLETED', uc.now());
    if (minutes !== undefined && minutes !== null) task.actualMinutes = minutes;
  });
}
