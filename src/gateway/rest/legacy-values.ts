import { z } from 'zod';
import { ENERGY_LEVELS, priorityRank, TASK_PRIORITIES, type EnergyLevel, type TaskPriority } from '../../modules/tasks/task.values.js';

/**
 * The one mapping between the domain's values (the GraphQL enums) and the way the original Focus REST API spelled
 * them: a priority was an integer 1..4, an energy level lower case. Inputs take both spellings in any case; answers
 * use the original's, so a legacy client reads what it always read.
 */

/** An enum value in any case; `-` and spaces read as `_` (`in-progress`, `In Progress`). */
export function anyCaseEnum<const T extends readonly [string, ...string[]]>(values: T, description: string) {
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

/** `"low"|"medium"|"high"|"urgent"` in any case, or the original's integers 1..4 (1 low .. 4 urgent). */
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
  .meta({ description: 'low, medium, high or urgent in any case, or the original integers 1 (low) .. 4 (urgent).', examples: [2, 'high'] });

/** `low|medium|high` in any case (the original answered and accepted lower case; GraphQL spells them upper case). */
export const legacyEnergyLevel = anyCaseEnum(ENERGY_LEVELS, 'low, medium or high, in any case.');

/** The original's spellings of energy levels, as answers carry them. */
export const LEGACY_ENERGY_LEVELS = ['low', 'medium', 'high'] as const;

/** A priority as the original answered it: 1 low, 2 medium, 3 high, 4 urgent. */
export const legacyPriorityOf = (priority: TaskPriority): number => priorityRank(priority);

export const legacyEnergyLevelOf = (energy: EnergyLevel | null): (typeof LEGACY_ENERGY_LEVELS)[number] | null =>
  energy === null ? null : (energy.toLowerCase() as (typeof LEGACY_ENERGY_LEVELS)[number]);
