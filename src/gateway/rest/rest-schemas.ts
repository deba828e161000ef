import { z } from 'zod';
import { entityId, isoDateTime, userId } from '../../modules/common/validators.js';
import { PROJECT_STATUSES } from '../../modules/projects/project.entity.js';
import { createProjectInput, updateProjectInput } from '../../modules/projects/project.inputs.js';
import { createTaskInput, idempotencyKey, updateTaskInput } from '../../modules/tasks/task.inputs.js';
import { ENERGY_LEVELS, TASK_PRIORITIES, TASK_STATUSES } from '../../modules/tasks/task.values.js';

/**
 * Request and response schemas of the REST shim. The request schemas validate every call (with the legacy
 * coercions) and, with the response schemas, are the source of the OpenAPI document: one declaration, two uses.
 * Unknown body fields and query parameters are ignored (dropped before the GraphQL call), as the old API did.
 */

/** An enum value in any case; `-` and spaces read as `_` (`in-progress`, `In Progress`). */
function anyCaseEnum<const T extends readonly [string, ...string[]]>(values: T, description: string) {
  return z
    .string()
    .transform((raw, ctx) => {
      const value = raw.trim().toUpperCase().replace(/[-\s]+/g, '_');
      if ((values as readonly string[]).includes(value)) return value as T[number];
      ctx.addIssue({ code: 'custom', message: `must be one of ${values.map((v) => v.toLowerCase()).join(', ')} (any case)` });
      return z.NEVER;
    })
    .meta({ description, examples: [values[0].toLowerCase()] });
}

/** `"low"|"medium"|"high"|"urgent"` in any case, or the legacy ranks 1..4 (1 low .. 4 urgent). */
export const legacyPriority = z
  .union([z.string(), z.number()])
  .transform((raw, ctx) => {
    const byRank = typeof raw === 'number' || /^\s*\d+\s*$/.test(raw) ? TASK_PRIORITIES[Number(raw) - 1] : undefined;
    const byName = typeof raw === 'string' ? TASK_PRIORITIES.find((p) => p === raw.trim().toUpperCase()) : undefined;
    const priority = Number.isInteger(Number(raw)) && byRank ? byRank : byName;
    if (priority) return priority;
    ctx.addIssue({ code: 'custom', message: 'must be low, medium, high or urgent (any case) or 1..4' });
    return z.NEVER;
  })
  .meta({ description: 'low, medium, high or urgent in any case, or the legacy integers 1 (low) .. 4 (urgent).', examples: ['high', 3] });

export const legacyTaskStatus = anyCaseEnum(TASK_STATUSES, 'pending, in_progress, completed or archived, in any case.');
export const legacyProjectStatus = anyCaseEnum(PROJECT_STATUSES, 'active or archived, in any case.');

/** A query parameter given once, repeated, or as a comma list: always a list. */
function listParam<T extends z.ZodType>(item: T, description: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((raw) => (Array.isArray(raw) ? raw : [raw]).flatMap((value) => value.split(',')).filter((v) => v.trim() !== ''))
    .pipe(z.array(item).min(1, 'must not be empty').max(10, 'at most 10 values') as unknown as z.ZodType<Array<z.output<T>>, string[]>)
    .meta({ description });
}

const limit = z.coerce
  .number({ message: 'must be an integer from 1 to 100' })
  .int('must be an integer from 1 to 100')
  .min(1, 'must be at least 1')
  .max(100, 'must be at most 100')
  .default(50)
  .meta({ description: 'Page size, 1..100.' });
const cursor = z
  .string()
  .min(1, 'must not be empty')
  .max(2048, 'must be at most 2048 characters')
  .meta({ description: '`next_cursor` of the previous page. A cursor only works for the filter (and org) that produced it.' });

export const idPath = z.object({ id: entityId.meta({ description: 'A UUID.', format: 'uuid' }) });

export const listTasksQuery = z.object({
  status: listParam(legacyTaskStatus, 'Any of these statuses (repeat the parameter or separate with commas), any case.').optional(),
  priority: listParam(legacyPriority, 'Any of these priorities: names in any case or 1..4.').optional(),
  projectId: entityId.optional().meta({ description: 'Only tasks of this project (a UUID).' }),
  tag: z.string().min(1, 'must not be empty').max(50, 'must be at most 50 characters').optional().meta({ description: 'Only tasks carrying this tag.' }),
  limit,
  cursor: cursor.optional(),
});

export const listProjectsQuery = z.object({
  status: listParam(legacyProjectStatus, 'Any of these statuses (active, archived), any case.').optional(),
  limit,
  cursor: cursor.optional(),
});

const dueDate = isoDateTime.meta({
  description: 'ISO 8601 date or date-time, with or without a zone (without one it is read as UTC), e.g. 2026-11-25T17:00:00Z.',
  examples: ['2026-11-25T17:00:00Z', '2026-11-25T17:00:00'],
});

export const createTaskBody = createTaskInput
  .extend({ status: legacyTaskStatus.nullish(), priority: legacyPriority.nullish(), dueDate: dueDate.nullish() })
  .meta({ description: 'A new task. Only `title` is required. Unknown fields are ignored.' });

export const updateTaskBody = updateTaskInput
  .extend({ status: legacyTaskStatus.optional(), priority: legacyPriority.optional(), dueDate: dueDate.nullish() })
  .meta({ description: 'Fields to change; a field left out is unchanged, null clears a nullable field. Unknown fields are ignored.' });

export const completeTaskBody = z
  .object({ actualMinutes: z.number().int().min(0).max(1_000_000).nullish() })
  .meta({ description: 'Optional; the body may be empty.' });

export const createProjectBody = createProjectInput.meta({ description: 'A new project. Only `name` is required. Unknown fields are ignored.' });
export const updateProjectBody = updateProjectInput
  .extend({ status: legacyProjectStatus.optional() })
  .meta({ description: 'Fields to change; a field left out is unchanged. Unknown fields are ignored.' });

export const idempotencyKeyHeader = idempotencyKey.unwrap().unwrap();

// Responses (documented; built by rest-mappers.ts).
const dateTime = z.string().meta({ format: 'date-time' });

export const taskResponse = z
  .object({
    id: z.string().meta({ format: 'uuid' }),
    title: z.string(),
    description: z.string().nullable(),
    status: z.enum(TASK_STATUSES),
    priority: z.enum(TASK_PRIORITIES),
    dueDate: dateTime.nullable(),
    completedAt: dateTime.nullable(),
    estimatedMinutes: z.number().int().nullable(),
    actualMinutes: z.number().int().nullable(),
    energyRequired: z.enum(ENERGY_LEVELS).nullable(),
    tags: z.array(z.string()),
    position: z.number().int(),
    projectId: z.string().nullable(),
    parentId: z.string().nullable(),
    subtaskIds: z.array(z.string()),
    subtaskCount: z.number().int(),
    ownerId: userId,
    assigneeId: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    createdAt: dateTime,
    updatedAt: dateTime,
    version: z.number().int(),
  })
  .meta({ id: 'Task', description: 'Every Task field of the GraphQL API in camelCase; relations as ids. Enums are spelled as in GraphQL (upper case).' });
export type TaskJson = z.infer<typeof taskResponse>;

export const projectResponse = z
  .object({
    id: z.string().meta({ format: 'uuid' }),
    name: z.string(),
    description: z.string().nullable(),
    color: z.string().nullable(),
    icon: z.string().nullable(),
    status: z.enum(PROJECT_STATUSES),
    taskCount: z.number().int(),
    completedTaskCount: z.number().int(),
    ownerId: z.string(),
    createdAt: dateTime,
    updatedAt: dateTime,
    version: z.number().int(),
  })
  .meta({ id: 'Project', description: 'Project fields in camelCase (its tasks: GET /api/planning/tasks?projectId=).' });
export type ProjectJson = z.infer<typeof projectResponse>;

const envelope = { total: z.number().int().meta({ description: 'Count for the whole filter, not the page.' }), next_cursor: z.string().nullable() };
export const taskListResponse = z.object({ tasks: z.array(taskResponse), ...envelope }).meta({ id: 'TaskList' });
export const projectListResponse = z.object({ projects: z.array(projectResponse), ...envelope }).meta({ id: 'ProjectList' });
export const deleteTaskResponse = z.object({ success: z.literal(true) }).meta({ id: 'TaskDeleted' });
export const deleteProjectResponse = z.object({ success: z.literal(true), deletedId: z.string() }).meta({ id: 'ProjectDeleted' });

export const errorResponse = z.object({ detail: z.string() }).meta({ id: 'Error' });
export const validationErrorResponse = z
  .object({
    detail: z.array(
      z.object({
        loc: z.array(z.union([z.string(), z.number()])).meta({ description: 'Where: ["body", field], ["query", param], ["path", "id"] or ["header", name].' }),
        msg: z.string(),
        type: z.string(),
      }),
    ),
  })
  .meta({ id: 'ValidationError' });
