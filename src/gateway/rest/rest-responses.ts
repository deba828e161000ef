import { z } from 'zod';
import { userId } from '../../modules/common/validators.js';
import { PROJECT_STATUSES } from '../../modules/projects/project.entity.js';
import { TASK_STATUSES } from '../../modules/tasks/task.values.js';
import { LEGACY_ENERGY_LEVELS } from './legacy-values.js';

/**
 * Response schemas of the REST shim (documented in the OpenAPI document; built by rest-mappers.ts). An object first
 * carries every field the original Focus API answered, with its name, type and values, then the fields this module
 * adds; a field the original had is never renamed or retyped.
 */

const dateTime = z.string().meta({ format: 'date-time' });
const keptNone = (schema: z.ZodType, what: string) => schema.nullable().meta({ description: `Always null: this module keeps no ${what}.` });

export const taskResponse = z
  .object({
    // The original API's TaskResponse.
    id: z.string().meta({ format: 'uuid' }),
    title: z.string(),
    description: z.string().nullable(),
    status: z.enum(TASK_STATUSES),
    priority: z.number().int().min(1).max(4).meta({ description: '1 low, 2 medium, 3 high, 4 urgent (GraphQL: LOW .. URGENT).' }),
    dueDate: dateTime.nullable(),
    completedAt: dateTime.nullable().meta({ description: 'Set when the task is completed, cleared when it is reopened.' }),
    estimatedMinutes: z.number().int().nullable(),
    energyRequired: z.enum(LEGACY_ENERGY_LEVELS).nullable().meta({ description: 'low, medium or high (GraphQL: upper case).' }),
    tags: z.array(z.string()),
    projectId: z.string().nullable(),
    workspaceId: keptNone(z.string(), 'workspaces'),
    assignedUserId: z.string().nullable().meta({ description: 'The assignee (the same as `assigneeId`).' }),
    userId: userId.meta({ description: 'The owner (the same as `ownerId`).' }),
    aiInsights: keptNone(z.record(z.string(), z.unknown()), 'AI insights on tasks'),
    urgencyScore: keptNone(z.number(), 'urgency scores'),
    createdAt: dateTime,
    // Added by this module.
    actualMinutes: z.number().int().nullable(),
    position: z.number().int(),
    parentId: z.string().nullable(),
    subtaskIds: z.array(z.string()),
    subtaskCount: z.number().int(),
    ownerId: userId,
    assigneeId: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    updatedAt: dateTime,
    version: z.number().int(),
  })
  .meta({
    id: 'Task',
    description: 'The original API\'s task (priority 1..4, energyRequired lower case, userId) and every other Task field of the GraphQL API in camelCase, relations as ids.',
  });
export type TaskJson = z.infer<typeof taskResponse>;

export const projectResponse = z
  .object({
    // The original API's ProjectResponse.
    id: z.string().meta({ format: 'uuid' }),
    name: z.string(),
    description: z.string().nullable(),
    color: z.string().nullable(),
    icon: z.string().nullable(),
    userId: z.string().meta({ description: 'The owner (the same as `ownerId`).' }),
    workspaceId: keptNone(z.string(), 'workspaces'),
    taskCount: z.number().int(),
    createdAt: dateTime,
    // Added by this module.
    status: z.enum(PROJECT_STATUSES),
    completedTaskCount: z.number().int(),
    ownerId: z.string(),
    updatedAt: dateTime,
    version: z.number().int(),
  })
  .meta({ id: 'Project', description: 'The original API\'s project and the other Project fields in camelCase (its tasks: GET /api/planning/tasks?projectId=).' });
export type ProjectJson = z.infer<typeof projectResponse>;

const envelope = {
  total: z.number().int().meta({ description: 'The number of objects in this answer, as the original API answered (`len(tasks)`), not of the whole filter.' }),
  total_count: z.number().int().optional().meta({ description: 'Only with `?count=exact`: every object matching the filter, on all pages.' }),
  next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
};
export const taskListResponse = z.object({ tasks: z.array(taskResponse), ...envelope }).meta({ id: 'TaskList' });
export const projectListResponse = z.object({ projects: z.array(projectResponse), ...envelope }).meta({ id: 'ProjectList' });
export const deleteTaskResponse = z.object({ success: z.literal(true) }).meta({ id: 'TaskDeleted' });
export const deleteProjectResponse = z.object({ success: z.literal(true), deletedId: z.string() }).meta({ id: 'ProjectDeleted' });

export const errorResponse = z.object({ detail: z.string() }).meta({ id: 'Error' });
export const validationErrorResponse = z
  .object({
    detail: z.array(
      z.object({
        loc: z.array(z.union([z.string(), z.number()])).meta({ description: 'Where: ["body", field], ["query", param] or ["header", name].' }),
        msg: z.string(),
        type: z.string(),
      }),
    ),
  })
  .meta({ id: 'ValidationError' });
