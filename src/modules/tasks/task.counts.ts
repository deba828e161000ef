import type { Knex, SqlEntityManager } from '@mikro-orm/postgresql';
import { executePrepared } from '../../platform/db/prepared-reads.js';
import type { TaskFilter } from './task.inputs.js';

/** The filter fields `planning_task_counts` is kept by: a filter of these alone is counted from it. */
const COUNTED_FIELDS = new Set<keyof TaskFilter>(['status', 'projectId', 'withoutProject']);

/**
 * Whether the number of tasks matching `filter` can be read from `planning_task_counts` (kept by triggers in the
 * same transaction as every write to `planning_tasks`, see the migration `list_indexes_and_counts`): a filter on
 * status, project or the absence of one, or none. Any other field is counted over the matching rows.
 */
export function isCountedFilter(filter: TaskFilter): boolean {
  return Object.entries(filter).every(([field, value]) => value === null || value === undefined || COUNTED_FIELDS.has(field as keyof TaskFilter));
}

/**
 * Exact task counts read from `planning_task_counts` (a few rows per project of the org, whatever its number of
 * tasks) instead of counting the tasks. They read what `count(*)` would: the committed writes of others and this
 * transaction's own.
 */
export class TaskCounts {
  constructor(private readonly em: SqlEntityManager) {}

  private get knex(): Knex {
    return this.em.getKnex();
  }

  /** The counter rows of the org that `filter` (one {@link isCountedFilter} accepts) selects. */
  private rows(orgId: string, filter: TaskFilter): Knex.QueryBuilder {
    const q = this.knex('planning_task_counts').where('org_id', orgId);
    if (filter.status?.length) q.whereIn('status', filter.status);
    if (filter.projectId) q.where('project_id', filter.projectId);
    if (filter.withoutProject === true) q.whereNull('project_id');
    if (filter.withoutProject === false) q.whereNotNull('project_id');
    return q;
  }

  /** How many of the org's tasks match `filter`. */
  async count(orgId: string, filter: TaskFilter): Promise<number> {
    if (!isCountedFilter(filter)) throw new Error(`Not a counted filter: ${Object.keys(filter).join(', ')}`);
    const [row] = await executePrepared<{ count: string | null }>(this.em, this.rows(orgId, filter).select(this.knex.raw('sum(tasks) as count')));
    return Number(row?.count ?? 0);
  }

  /** How many tasks matching `filter` each of several projects has, in one statement. */
  async countByProject(orgId: string, filter: TaskFilter, projectIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.em.execute<Array<{ project_id: string; count: string }>>(
      this.rows(orgId, filter)
        .select('project_id', this.knex.raw('sum(tasks) as count'))
        .whereIn('project_id', [...projectIds])
        .groupBy('project_id'),
    );
    return new Map(rows.map((r) => [r.project_id, Number(r.count)]));
  }

  /** All tasks and completed tasks of several projects, in one statement. */
  async totalAndCompletedByProject(orgId: string, projectIds: readonly string[]): Promise<Map<string, { total: number; completed: number }>> {
    const rows = await this.em.execute<Array<{ project_id: string; total: string; completed: string | null }>>(
      `select project_id, sum(tasks) as total, sum(tasks) filter (where status = 'COMPLETED') as completed
       from planning_task_counts where org_id = ? and project_id = any(array[?]::uuid[]) group by project_id`,
      [orgId, [...projectIds]],
    );
    return new Map(rows.map((r) => [r.project_id, { total: Number(r.total), completed: Number(r.completed ?? 0) }]));
  }
}
