/** Domain enums of tasks, as the GraphQL schema spells them. */
export const TASK_STATUSES = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'ARCHIVED'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Declared in ascending order: a priority's rank is its index + 1 (stored as smallint so it sorts). */
export const TASK_PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

export const ENERGY_LEVELS = ['LOW', 'MEDIUM', 'HIGH'] as const;
export type EnergyLevel = (typeof ENERGY_LEVELS)[number];

export const priorityRank = (priority: TaskPriority): number => TASK_PRIORITIES.indexOf(priority) + 1;
export const priorityFromRank = (rank: number): TaskPriority => {
  const priority = TASK_PRIORITIES[rank - 1];
  if (!priority) throw new Error(`Unknown priority rank ${rank}`);
  return priority;
};

/** Task metadata: free-form JSON with a few well-known keys. */
export interface TaskMetadata {
  source?: string;
  callId?: string;
  workflowId?: string;
  campaignId?: string;
  [key: string]: unknown;
}
