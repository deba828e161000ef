import type { Task } from './task.entity.js';
import type { TaskCreationSource } from './task.events.js';

/** A committed task change that operators count (metrics): a creation with its source, or a completion. */
export type TaskActivity = { kind: 'created'; source: TaskCreationSource } | { kind: 'completed'; secondsSinceCreation: number };

/**
 * Told about a use case's activity once the use case's transaction returned. When the service runs inside a
 * caller's transaction (the event consumer), that is before the commit: such callers buffer and report after it.
 */
export type TaskActivityListener = (activity: TaskActivity[]) => void;

export const taskCompletion = (task: Task): TaskActivity => ({
  kind: 'completed',
  secondsSinceCreation: Math.max(0, ((task.completedAt ?? new Date()).getTime() - task.createdAt.getTime()) / 1000),
});
