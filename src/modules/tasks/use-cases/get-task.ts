import { assertCanRead, type Caller } from '../../common/caller.js';
import type { UseCaseContext } from '../../common/service-options.js';
import { entityId, parseInput } from '../../common/validators.js';
import type { Task } from '../task.entity.js';
import { TaskRepository } from '../task.repository.js';

/** `task(id)`: the task, or null when it is not in the caller's org. */
export async function getTask(uc: UseCaseContext, caller: Caller, id: string): Promise<Task | null> {
  assertCanRead(caller);
  return new TaskRepository(uc.em, uc.codec).findById(caller.orgId, parseInput(entityId, id, 'id'));
}
