import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { NotFoundError, VersionConflictError } from '../../../platform/errors/planning-error.js';
import { appendToOutbox } from '../../../platform/outbox/outbox.repository.js';
import type { Caller } from '../../common/caller.js';
import type { UseCaseContext } from '../../common/service-options.js';
import { entityId, parseInput } from '../../common/validators.js';
import { type TaskActivity, taskCompletion } from '../task.activity.js';
import type { Task } from '../task.entity.js';
import { eventsForTaskChange, snapshotTask } from '../task.events.js';
import { expectedVersion as expectedVersionSchema } from '../task.inputs.js';
import { TaskRepository } from '../task.repository.js';

/**
 * The frame of every change of one task: in a transaction, the task's row locked (after `lockFirst`, for changes
 * that take position locks), its expected version checked, `change` applied, a real change dated, flushed (version
 * + 1) and described by its events. Reports a completion to the activity listener once committed.
 */
export async function changeTask(
  uc: UseCaseContext,
  caller: Caller,
  id: string,
  rawExpectedVersion: number | null | undefined,
  change: (task: Task, em: SqlEntityManager) => Promise<void>,
  lockFirst?: (em: SqlEntityManager, taskId: string) => Promise<void>,
): Promise<Task> {
  const taskId = parseInput(entityId, id, 'id');
  const expected = parseInput(expectedVersionSchema, rawExpectedVersion, 'expectedVersion');
  let completed: TaskActivity | undefined;
  const changed = await uc.writeTransaction(caller.orgId, async (em) => {
    await lockFirst?.(em, taskId);
    const task = await new TaskRepository(em, uc.codec).findForUpdate(caller.orgId, taskId);
    if (!task) throw new NotFoundError('Task', taskId, 'id');
    if (expected != null && expected !== task.version) throw new VersionConflictError('Task', taskId, expected, task.version);
    const before = snapshotTask(task);
    const beforeJson = JSON.stringify(task);
    await change(task, em);
    if (JSON.stringify(task) !== beforeJson) task.updatedAt = uc.now();
    await em.flush();
    await appendToOutbox(em, uc.actor(caller), eventsForTaskChange(before, task));
    completed = before.status !== 'COMPLETED' && task.status === 'COMPLETED' ? taskCompletion(task) : undefined;
    return task;
  });
  if (completed) uc.options.onTaskActivity?.([completed]);
  return changed;
}
