import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { ArchetypeEvidence } from './archetypes.js';

/**
 * All SQL over a user's task history. "The user's tasks" are the tasks whose work is theirs: assigned to them, or
 * created by them and assigned to nobody (`coalesce(assignee_id, owner_id)`), which the migration's partial indexes
 * cover together with `org_id` and the time column each statement bounds by the report's range. So every statement
 * reads the range's rows through an index, and a report costs {@link REPORT_STATEMENTS} statements whatever the
 * size of the history.
 */
const WORK = 'coalesce(assignee_id, owner_id)';
export const REPORT_STATEMENTS = 4;
/** How many task ids a group of the report carries (the tasks an insight cites). */
export const CITED_TASKS = 10;

export interface ReportWindow {
  orgId: string;
  userId: string;
  from: Date;
  to: Date;
  /** IANA zone the hours, weekdays, days and weeks are counted in. */
  timeZone: string;
}

/** One group of completed tasks: by hour, weekday, day, week, project, energy level and part of day, or estimates. */
export interface CompletionGroup {
  dim: 'hour' | 'weekday' | 'day' | 'week' | 'project' | 'energy' | 'estimate';
  key: string | null;
  sub: string | null;
  count: number;
  /** estimate: sum of estimated minutes / sum of actual minutes, overruns (actual > 1.2 x estimate). */
  a: number | null;
  b: number | null;
  c: number | null;
  taskIds: string[];
}

/** Tasks created in the window, grouped by week and by project (with how many of them are completed now). */
export interface CreationGroup {
  dim: 'week' | 'project' | 'open';
  key: string | null;
  count: number;
  completed: number;
  taskIds: string[];
}

/** Tasks as they stand now: overdue, in progress without a change for a week. */
export interface CurrentGroup {
  dim: 'overdue' | 'stalled';
  count: number;
  taskIds: string[];
}

export interface TaskChangeCount {
  taskId: string;
  postponed: number;
  reopened: number;
}

const ids = (value: unknown): string[] => (Array.isArray(value) ? (value as string[]) : []);
const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export class TaskHistoryRepository {
  constructor(private readonly em: SqlEntityManager) {}

  /** The user's last {@link ARCHETYPE_SAMPLE} tasks by creation, newest first. */
  async lastTasks(orgId: string, userId: string, limit: number): Promise<ArchetypeEvidence[]> {
    const rows = await this.em.execute<Array<{ title: string; description: string | null; status: string }>>(
      `select title, description, status from planning_tasks
       where org_id = ? and ${WORK} = ? order by created_at desc limit ?`,
      [orgId, userId, limit],
    );
    return rows.map((row) => ({ title: row.title, description: row.description, completed: row.status === 'COMPLETED' }));
  }

  /** Tasks completed in the window, in one scan of the completion index, grouped every way the report needs. */
  async completionGroups(window: ReportWindow): Promise<CompletionGroup[]> {
    const rows = await this.em.execute<Array<Record<string, unknown>>>(
      `with done as materialized (
         select id, project_id, energy_required, estimated_minutes, actual_minutes, completed_at,
                extract(hour from completed_at at time zone ?)::int as hour,
                extract(isodow from completed_at at time zone ?)::int as weekday,
                (completed_at at time zone ?)::date as day,
                date_trunc('week', completed_at at time zone ?)::date as week
         from planning_tasks
         where org_id = ? and ${WORK} = ? and completed_at is not null and completed_at >= ? and completed_at < ?
       ), cited as (
         select *, case when hour between 5 and 11 then 'morning' when hour between 12 and 16 then 'afternoon'
                        when hour between 17 and 21 then 'evening' else 'night' end as band
         from done
       )
       select 'hour' as dim, hour::text as key, null as sub, count(*) as count, null::float8 as a, null::float8 as b, null::float8 as c,
              (array_agg(id::text order by completed_at desc))[1:${CITED_TASKS}] as task_ids
       from cited group by hour
       union all
       select 'weekday', weekday::text, null, count(*), null, null, null, (array_agg(id::text order by completed_at desc))[1:${CITED_TASKS}] from cited group by weekday
       union all
       select 'day', day::text, null, count(*), null, null, null, (array_agg(id::text order by completed_at desc))[1:${CITED_TASKS}] from cited group by day
       union all
       select 'week', week::text, null, count(*), null, null, null, '{}'::text[] from cited group by week
       union all
       select 'project', project_id::text, null, count(*), null, null, null, '{}'::text[] from cited group by project_id
       union all
       select 'energy', energy_required, band, count(*), null, null, null, (array_agg(id::text order by completed_at desc))[1:${CITED_TASKS}]
       from cited where energy_required is not null group by energy_required, band
       union all
       select 'estimate', null, null, count(*), sum(estimated_minutes)::float8, sum(actual_minutes)::float8,
              (count(*) filter (where actual_minutes > estimated_minutes * 1.2))::float8,
              (array_agg(id::text order by actual_minutes::float8 / greatest(estimated_minutes, 1) desc)
                 filter (where actual_minutes > estimated_minutes * 1.2))[1:${CITED_TASKS}]
       from cited where estimated_minutes > 0 and actual_minutes is not null
       having count(*) > 0`,
      [window.timeZone, window.timeZone, window.timeZone, window.timeZone, window.orgId, window.userId, window.from, window.to],
    );
    return rows.map((row) => ({
      dim: row.dim as CompletionGroup['dim'],
      key: (row.key as string | null) ?? null,
      sub: (row.sub as string | null) ?? null,
      count: Number(row.count),
      a: num(row.a),
      b: num(row.b),
      c: num(row.c),
      taskIds: ids(row.task_ids),
    }));
  }

  /** Tasks created in the window, by creation week and by project; `open` cites the oldest still open. */
  async creationGroups(window: ReportWindow): Promise<CreationGroup[]> {
    const rows = await this.em.execute<Array<Record<string, unknown>>>(
      `with created as materialized (
         select id, project_id, status, created_at, date_trunc('week', created_at at time zone ?)::date as week
         from planning_tasks
         where org_id = ? and ${WORK} = ? and created_at >= ? and created_at < ?
       )
       select 'week' as dim, week::text as key, count(*) as count, count(*) filter (where status = 'COMPLETED') as completed,
              '{}'::text[] as task_ids
       from created group by week
       union all
       select 'project', project_id::text, count(*), count(*) filter (where status = 'COMPLETED'),
              (array_agg(id::text order by created_at desc))[1:${CITED_TASKS}]
       from created group by project_id
       union all
       select 'open', null, count(*), 0, (array_agg(id::text order by created_at))[1:${CITED_TASKS}]
       from created where status in ('PENDING', 'IN_PROGRESS')
       having count(*) > 0`,
      [window.timeZone, window.orgId, window.userId, window.from, window.to],
    );
    return rows.map((row) => ({
      dim: row.dim as CreationGroup['dim'],
      key: (row.key as string | null) ?? null,
      count: Number(row.count),
      completed: Number(row.completed),
      taskIds: ids(row.task_ids),
    }));
  }

  /**
   * Open tasks past their due date, and tasks in progress without any change for `stalledAfterDays`, at `now`: how
   * many (an index-only count) and the first {@link CITED_TASKS} in index order (the longest overdue, the longest
   * untouched), so the cited tasks cost ten index entries however many there are.
   */
  async currentGroups(orgId: string, userId: string, now: Date, stalledAfterDays: number): Promise<CurrentGroup[]> {
    const overdue = `org_id = ? and ${WORK} = ? and status in ('PENDING', 'IN_PROGRESS') and due_date is not null and due_date < ?`;
    const stalled = `org_id = ? and ${WORK} = ? and status = 'IN_PROGRESS' and updated_at < ?`;
    const stalledBefore = new Date(now.getTime() - stalledAfterDays * 86_400_000);
    const rows = await this.em.execute<Array<Record<string, unknown>>>(
      `select 'overdue' as dim, (select count(*) from planning_tasks where ${overdue}) as count,
              array(select id::text from planning_tasks where ${overdue} order by due_date limit ${CITED_TASKS}) as task_ids
       union all
       select 'stalled', (select count(*) from planning_tasks where ${stalled}),
              array(select id::text from planning_tasks where ${stalled} order by updated_at limit ${CITED_TASKS})`,
      [orgId, userId, now, orgId, userId, now, orgId, userId, stalledBefore, orgId, userId, stalledBefore],
    );
    return rows.map((row) => ({ dim: row.dim as CurrentGroup['dim'], count: Number(row.count), taskIds: ids(row.task_ids) }));
  }

  /** Per task still there: how often its due date was moved later and how often it was reopened in the window. */
  async changeCounts(window: ReportWindow, limit: number): Promise<TaskChangeCount[]> {
    const rows = await this.em.execute<Array<{ task_id: string; postponed: string; reopened: string }>>(
      `select task_id::text as task_id, count(*) filter (where kind = 'postponed') as postponed,
              count(*) filter (where kind = 'reopened') as reopened
       from planning_shadow_task_changes
       where org_id = ? and user_id = ? and changed_at >= ? and changed_at < ?
       group by task_id
       order by count(*) filter (where kind = 'postponed') desc, count(*) filter (where kind = 'reopened') desc, task_id
       limit ?`,
      [window.orgId, window.userId, window.from, window.to, limit],
    );
    return rows.map((row) => ({ taskId: row.task_id, postponed: Number(row.postponed), reopened: Number(row.reopened) }));
  }
}
