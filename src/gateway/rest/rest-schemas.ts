import { z } from 'zod';
import { entityId, isoDateTime, userId } from '../../modules/common/validators.js';
import { PROJECT_STATUSES } from '../../modules/projects/project.entity.js';
import { createProjectInput, updateProjectInput } from '../../modules/projects/project.inputs.js';
import { createTaskInput, idempotencyKey, updateTaskInput } from '../../modules/tasks/task.inputs.js';
import { TASK_STATUSES } from '../../modules/tasks/task.values.js';
import { anyCaseEnum, legacyEnergyLevel, legacyPriority } from './legacy-values.js';

/**
 * Request schemas of the REST shim. They validate every call (with the original API's spellings, see
 * legacy-values.ts) and, with the response schemas (rest-responses.ts), are the source of the OpenAPI document: one
 * declaration, two uses. Unknown body fields and query parameters are ignored (dropped before the GraphQL call), as
 * the original API did.
 */

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

/**
 * Any id is taken: ids are UUIDs here, but the original's were other strings, and an id that names nothing of the
 * caller's org, in whatever form, is answered 404 like a missing one (the subgraph's refusal of a non-UUID is mapped
 * so in rest-errors.ts), never 422.
 */
export const idPath = z.object({ id: z.string().meta({ description: 'The object\'s id (a UUID). One that names nothing of the caller\'s org, in any form, is answered 404.' }) });

const count = z
  .enum(['exact'], { message: 'must be exact (or left out)' })
  .optional()
  .meta({ description: '`exact`: the answer also carries `total_count`, every object matching the filter on all pages (one more count).' });

export const listTasksQuery = z.object({
  status: listParam(legacyTaskStatus, 'Any of these statuses (repeat the parameter or separate with commas), any case.').optional(),
  priority: listParam(legacyPriority, 'Any of these priorities: names in any case or 1..4.').optional(),
  projectId: entityId.optional().meta({ description: 'Only tasks of this project (a UUID).' }),
  tag: z.string().min(1, 'must not be empty').max(50, 'must be at most 50 characters').optional().meta({ description: 'Only tasks carrying this tag.' }),
  limit,
  cursor: cursor.optional(),
  count,
});

export const listProjectsQuery = z.object({
  status: listParam(legacyProjectStatus, 'Any of these statuses (active, archived), any case.').optional(),
  limit,
  cursor: cursor.optional(),
  count,
});

const dueDate = isoDateTime.meta({
  description: 'ISO 8601 date or date-time, with or without a zone (without one it is read as UTC), e.g. 2026-11-25T17:00:00Z.',
  examples: ['2026-11-25T17:00:00Z', '2026-11-25T17:00:00'],
});

const assignedUserId = userId.nullish().meta({
  description: 'The assignee: the original API\'s name for `assigneeId`. Either may be sent; when both are, they must agree.',
});

/** `assignedUserId` -> `assigneeId` (the GraphQL input knows only ours); both sent and different is a bad field. */
function withAssigneeAlias<T extends { assigneeId?: string | null; assignedUserId?: string | null }>(
  { assignedUserId: alias, ...body }: T,
  ctx: z.RefinementCtx,
): Omit<T, 'assignedUserId'> {
  if (alias === undefined) return body;
  if (body.assigneeId !== undefined && body.assigneeId !== alias) {
    ctx.addIssue({ code: 'custom', path: ['assignedUserId'], message: 'must be the same as assigneeId when both are sent' });
    return z.NEVER;
  }
  return { ...body, assigneeId: alias };
}

const legacyTaskFields = { energyRequired: legacyEnergyLevel.nullish(), assignedUserId };

export const createTaskBody = createTaskInput
  .extend({ ...legacyTaskFields, status: legacyTaskStatus.nullish(), priority: legacyPriority.nullish(), dueDate: dueDate.nullish() })
  .transform(withAssigneeAlias)
  .meta({ description: 'A new task. Only `title` is required. Unknown fields (such as the original\'s `workspaceId`) are ignored.' });

export const updateTaskBody = updateTaskInput
  .extend({ ...legacyTaskFields, status: legacyTaskStatus.optional(), priority: legacyPriority.optional(), dueDate: dueDate.nullish() })
  .transform(withAssigneeAlias)
  .meta({ description: 'Fields to change; a field left out is unchanged, null clears a nullable field. Unknown fields are ignored.' });

export const completeTaskBody = z
  .object({ actualMinutes: z.number().int().min(0).max(1_000_000).nullish() })
  .meta({ description: 'Optional; the body may be empty.' });

export const createProjectBody = createProjectInput.meta({ description: 'A new project. Only `name` is required. Unknown fields are ignored.' });
export const updateProjectBody = updateProjectInput
  .extend({ status: legacyProjectStatus.optional() })
  .meta({ description: 'Fields to change; a field left out is unchanged. Unknown fields are ignored.' });

export const idempotencyKeyHeader = idempotencyKey.unwrap().unwrap();

