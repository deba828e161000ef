import type { Task } from './task.entity.js';
import type { TaskStatus } from './task.values.js';

/**
 * Moves a task to `status`, keeping `completedAt` true to it: set when the task becomes COMPLETED, cleared when
 * it leaves COMPLETED, untouched otherwise.
 */
export function applyStatus(task: Task, status: TaskStatus, now: Date): void {
  if (status === task.status) return;
  if (status === 'COMPLETED') task.completedAt = now;
  else if (task.status === 'COMPLETED') task.completedAt = null;
  task.status = status;
}

export function isCompleted(task: Task): boolean {
  return task.status === 'COMPLETED';
}
