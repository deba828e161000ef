import { z } from 'zod';
import type { DomainEvent } from '../../platform/outbox/envelope.js';
import type { Task } from './task.entity.js';

const id = z.uuid();
const lowerPriority = z.enum(['low', 'medium', 'high', 'urgent']);

/**
 * Payload schemas of the task events planning publishes (`data` of the envelope). Other modules code against
 * these; docs/events.md is their reference page. Every outgoing event is checked against its schema.
 */
export const taskEventSchemas = {
  'planning.task.created': z.object({
    task_id: id,
    title: z.string(),
    priority: lowerPriority,
    project_id: id.nullable(),
    assignee_id: z.string().nullable(),
    source: z.string().min(1),
  }),
  'planning.task.updated': z.object({ task_id: id, changes: z.record(z.string(), z.unknown()) }),
  'planning.task.completed': z.object({
    task_id: id,
    duration_minutes: z.number().int().min(0),
    campaign_id: z.string().optional(),
  }),
  'planning.task.reopened': z.object({ task_id: id }),
  'planning.task.deleted': z.object({ task_id: id }),
} as const;

export type TaskEventType = keyof typeof taskEventSchemas;

const event = <T extends TaskEventType>(type: T, task: { id: string }, data: z.input<(typeof taskEventSchemas)[T]>): DomainEvent => ({
  type,
  aggregateId: task.id,
  data: taskEventSchemas[type].parse(data) as Record<string, unknown>,
});

/** Where a task came from, as `planning.task.created` says it: `api`, `call_callback`, `ai_workflow`, ... */
export type TaskCreationSource = 'api' | 'call_callback' | 'ai_workflow';

export const taskCreated = (task: Task, source: TaskCreationSource) =>
  event('planning.task.created', task, {
    task_id: task.id,
    title: task.title,
    priority: task.priority.toLowerCase() as z.infer<typeof lowerPriority>,
    project_id: task.projectId ?? null,
    assignee_id: task.assigneeId ?? null,
    source,
  });

/**
 * Minutes the task took: the recorded actual minutes when given, else the time from creation to completion.
 */
export function durationMinutes(task: Task): number {
  if (task.actualMinutes !== null && task.actualMinutes !== undefined) return task.actualMinutes;
  const end = task.completedAt ?? new Date();
  return Math.max(0, Math.round((end.getTime() - task.createdAt.getTime()) / 60_000));
}

export const taskCompleted = (task: Task) => {
  const campaignId = task.metadata?.campaignId;
  return event('planning.task.completed', task, {
    task_id: task.id,
    duration_minutes: durationMinutes(task),
    ...(campaignId !== undefined && campaignId !== null ? { campaign_id: String(campaignId) } : {}),
  });
};

export const taskReopened = (task: Task) => event('planning.task.reopened', task, { task_id: task.id });
export const taskDeleted = (taskId: string) => event('planning.task.deleted', { id: taskId }, { task_id: taskId });

/** A task left without a project because its project was deleted. */
export const taskDetachedFromProject = (taskId: string) =>
  event('planning.task.updated', { id: taskId }, { task_id: taskId, changes: { project_id: null } });

const SNAKE: Record<string, string> = {
  dueDate: 'due_date',
  completedAt: 'completed_at',
  estimatedMinutes: 'estimated_minutes',
  actualMinutes: 'actual_minutes',
  energyRequired: 'energy_required',
  projectId: 'project_id',
  parentId: 'parent_id',
  assigneeId: 'assignee_id',
};
const TRACKED = ['title', 'description', 'status', 'priority', 'dueDate', 'completedAt', 'estimatedMinutes', 'actualMinutes', 'energyRequired', 'tags', 'position', 'projectId', 'parentId', 'assigneeId', 'metadata'] as const;

/** A copy of the fields `planning.task.updated` reports on. */
export type TaskSnapshot = Record<(typeof TRACKED)[number], unknown>;
export const snapshotTask = (task: Task): TaskSnapshot =>
  Object.fromEntries(TRACKED.map((f) => [f, structuredClone(task[f] instanceof Date ? (task[f] as Date).toISOString() : task[f])])) as TaskSnapshot;

/**
 * The events a change to a task produces: `updated` with the changed fields (snake_case, new values), plus
 * `completed` when it became COMPLETED and `reopened` when it left COMPLETED.
 */
export function eventsForTaskChange(before: TaskSnapshot, task: Task): DomainEvent[] {
  const after = snapshotTask(task);
  const changes: Record<string, unknown> = {};
  for (const field of TRACKED) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
      const value = after[field];
      const isEnum = field === 'priority' || field === 'status' || field === 'energyRequired';
      changes[SNAKE[field] ?? field] = isEnum && typeof value === 'string' ? value.toLowerCase() : (value ?? null);
    }
  }
  if (Object.keys(changes).length === 0) return [];
  const events = [event('planning.task.updated', task, { task_id: task.id, changes })];
  if (before.status !== 'COMPLETED' && task.status === 'COMPLETED') events.push(taskCompleted(task));
  if (before.status === 'COMPLETED' && task.status !== 'COMPLETED') events.push(taskReopened(task));
  return events;
}
