import { z } from 'zod';
import { PROJECT_STATUSES } from './project.entity.js';

const name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const description = z.string().max(10_000, 'must be at most 10000 characters');
const color = z.string().regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'must be a hex colour like #3366ff');
const icon = z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters');

export const createProjectInput = z.object({
  name,
  description: description.nullish(),
  color: color.nullish(),
  icon: icon.nullish(),
});
export type CreateProjectInput = z.output<typeof createProjectInput>;

export const updateProjectInput = z.object({
  name: name.optional(),
  description: description.nullish(),
  color: color.nullish(),
  icon: icon.nullish(),
  status: z.enum(PROJECT_STATUSES).optional(),
});
export type UpdateProjectInput = z.output<typeof updateProjectInput>;

export const projectFilter = z
  .object({
    status: z.array(z.enum(PROJECT_STATUSES)).nullish(),
    search: z.string().trim().min(1, 'must not be empty').max(200).nullish(),
  })
  .nullish()
  .transform((f) => f ?? {});
export type ProjectFilter = z.output<typeof projectFilter>;

export const projectOrder = z
  .object({ field: z.enum(['CREATED_AT', 'UPDATED_AT', 'NAME']), direction: z.enum(['ASC', 'DESC']).default('ASC') })
  .nullish()
  .transform((o) => o ?? { field: 'CREATED_AT' as const, direction: 'DESC' as const });
export type ProjectOrder = z.output<typeof projectOrder>;
