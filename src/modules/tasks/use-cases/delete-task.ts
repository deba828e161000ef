import { NotFoundError } from '../../../platform/errors/planning-error.js';
import { appendToOutbox } from '../../../platform/outbox/outbox.repository.js';
import { assertCanWrite, type Caller } from '../../common/caller.js';
import type { UseCaseContext } from '../../common/service-options.js';
import { entityId, parseInput } from '../../common/validators.js';
import { taskDeleted } from '../task.events.js';
import { lockTaskTree } from '../task.locks.js';
import { TaskRepository } from '../task.repository.js';

/** `deleteTask`: the task and its subtasks (by foreign key), each with its own deleted event, deepest first. */
export async function deleteTask(uc: UseCaseContext, caller: Caller, id: string): Promise<string> {
  assertCanWrite(caller);
  const taskId = parseInput(entityId, id, 'id');
  await uc.writeTransaction(caller.orgId, async (em) => {
    const repository = new TaskRepository(em, uc.codec);
    // Locked first, so a subtask created meanwhile is either refused (its parent is gone) or deleted with its event.
    const doomed = await lockTaskTree(em, repository, caller.orgId, taskId);
    if (doomed.length === 0 || !(await repository.delete(caller.orgId, taskId))) throw new NotFoundError('Task', taskId, 'id');
    await appendToOutbox(em, uc.actor(caller), doomed.reverse().map(taskDeleted));
  });
  return taskId;
}
