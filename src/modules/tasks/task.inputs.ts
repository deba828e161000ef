import { z } from 'zod';
import { entityId, isoDateTime, jsonObject, userId } from '../common/validators.js';
import { ENERGY_LEVELS, TASK_PRIORITIES, TASK_STATUSES } from './task.values.js';

export const TITLE_MAX = 500;
export const DESCRIPTION_MAX = 10_000;

const title = z.string().trim().min(1, 'must not be empty').max(TITLE_MAX, `must be at most ${TITLE_MAX} characters`);
const description = z.string().max(DESCRIPTION_MAX, `must be at most ${DESCRIPTION_MAX} characters`);
const minutes = z.number().int().min(0, 'must not be negative').max(1_000_000, 'must be at most 1000000');
const tags = z
  .array(z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters'))
  .max(20, 'at most 20 tags')
  .transform((list) => [...new Set(list)]);

/** createTask / createTasks input, after validation. */
export const createTaskInput = z.object({
  title,
  description: description.nullish(),
  status: z.enum(TASK_STATUSES).nullish(),
  priority: z.enum(TASK_PRIORITIES).nullish(),
  dueDate: isoDateTime.nullish(),
  estimatedMinutes: minutes.nullish(),
  actualMinutes: minutes.nullish(),
  energyRequired: z.enum(ENERGY_LEVELS).nullish(),
  tags: tags.nullish(),
  projectId: entityId.nullish(),
  parentId: entityId.nullish(),
  assigneeId: userId.nullish(),
  metadata: jsonObject.nullish(),
});
export type CreateTaskInput = z.output<typeof createTaskInput>;

/** updateTask input: a field left out is unchanged; null clears a nullable field. */
export const updateTaskInput = z.object({
  title: title.optional(),
  description: description.nullish(),
  status: z.enum(TASK_STATUSES).optional(),
  priority: z.enum(TASK_PRIORITIES).optional(),
  dueDate: isoDateTime.nullish(),
  estimatedMinutes: minutes.nullish(),
  actualMinutes: minutes.nullish(),
  energyRequired: z.enum(ENERGY_LEVELS).nullish(),
  tags: tags.optional(),
  projectId: entityId.nullish(),
  parentId: entityId.nullish(),
  assigneeId: userId.nullish(),
  metadata: jsonObject.optional(),
});
export type UpdateTaskInput = z.output<typeof updateTaskInput>;

export const moveTaskInput = z.object({
  projectId: entityId.nullish(),
  position: z.number().int().min(0, 'must not be negative'),
});
export type MoveTaskInput = z.output<typeof moveTaskInput>;

export const expectedVersion = z.number().int().min(1, 'must be a positive version').nullish();
export const idempotencyKey = z
  .string()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .nullish();

/** Task list filter, after validation. */
export const taskFilter = z
  .object({
    status: z.array(z.enum(TASK_STATUSES)).nullish(),
    priority: z.array(z.enum(TASK_PRIORITIES)).nullish(),
    projectId: entityId.nullish(),
    withoutProject: z.boolean().nullish(),
    parentId: entityId.nullish(),
    topLevel: z.boolean().nullish(),
    tag: z.string().min(1).max(50).nullish(),
    assigneeId: userId.nullish(),
    ownerId: userId.nullish(),
    dueBefore: isoDateTime.nullish(),
    dueAfter: isoDateTime.nullish(),
    search: z.string().trim().min(1, 'must not be empty').max(200).nullish(),
  })
  .nullish()
  .transform((f) => f ?? {});
export type TaskFilter = z.output<typeof taskFilter>;

export const TASK_ORDER_FIELDS = ['CREATED_AT', 'UPDATED_AT', 'DUE_DATE', 'PRIORITY', 'POSITION', 'TITLE'] as const;
export const taskOrder = z
  .object({ field: z.enum(TASK_ORDER_FIELDS), direction: z.enum(['ASC', 'DESC']).default('ASC') })
  .nullish()
  .transform((o) => o ?? { field: 'CREATED_AT' as const, direction: 'DESC' as const });
export type TaskOrder = z.output<typeof taskOrder>;
