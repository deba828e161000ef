import { assertCanWrite, type Caller } from '../../common/caller.js';
import type { UseCaseContext } from '../../common/service-options.js';
import type { Task } from '../task.entity.js';
import { applyStatus } from '../task.rules.js';
import { changeTask } from './change-task.js';

/** `reopenTask`: COMPLETED or ARCHIVED back to PENDING; a task that is already open is left as it is. */
export async function reopenTask(uc: UseCaseContext, caller: Caller, id: string, rawExpectedVersion?: number | null): Promise<Task> {
  assertCanWrite(caller);
  return changeTask(uc, caller, id, rawExpectedVersion, async (task) => {
    if (task.status === 'COMPLETED' || task.status === 'ARCHIVED') applyStatus(task, 'PENDING', uc.now());
  });
}
