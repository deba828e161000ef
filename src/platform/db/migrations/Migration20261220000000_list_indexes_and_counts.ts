import { Migration } from '@mikro-orm/migrations';

/** One ordered delta per key, applied in key order (two statements touching the same keys lock them in one order). */
const applyDeltas = (deltas: string) => `
    insert into planning_task_counts as c (org_id, project_id, status, tasks)
    select org_id, project_id, status, sum(delta) from (${deltas}) d
    group by org_id, project_id, status having sum(delta) <> 0
    order by org_id, project_id, status
    on conflict (org_id, project_id, status) do update set tasks = c.tasks + excluded.tasks`;

/**
 * Task lists that stay as fast in an org of 1,000,000 tasks as in one of 20,000 (issue 24):
 *
 * - Indexes that lead with the filter's equality columns and then the list's order, so a filtered page reads its 20
 *   rows in order instead of walking the org's rows in the order's index and filtering them (a project + status
 *   filter ordered by due date walked all 1,000,000 rows of the org when few matched). Which shapes get one is
 *   reasoned in docs/data.md ("List indexes"): project + status by creation and due date, project by creation and
 *   due date, assignee and owner by creation, and the org by position (the one order without an index). The other
 *   orders of a project's list either read the project's rows and sort them or walk the order's index past other
 *   projects' rows, whichever the planner finds cheaper: bounded by the project, not the org.
 * - `planning_task_counts`: the number of tasks per (org, project or none, status), kept by statement triggers on
 *   `planning_tasks` in the same transaction as every write (inserts, updates, deletes, cascades, referential
 *   actions), so `totalCount` and the project counts read a few rows instead of counting the org's tasks. Exact under
 *   concurrency: each statement adds its deltas with one `insert .. on conflict do update` (row locks, no
 *   read-modify-write in the application), and sees only committed counts like `count(*)` would.
 */
export class Migration20261220000000_list_indexes_and_counts extends Migration {
  override async up(): Promise<void> {
    await this.execute(`create index planning_tasks_project_status_due_idx on planning_tasks (org_id, project_id, status, (coalesce(due_date, 'infinity'::timestamptz)), id)`);
    await this.execute('create index planning_tasks_project_status_created_idx on planning_tasks (org_id, project_id, status, created_at desc, created_seq, id)');
    await this.execute(`create index planning_tasks_project_due_idx on planning_tasks (org_id, project_id, (coalesce(due_date, 'infinity'::timestamptz)), id)`);
    await this.execute('create index planning_tasks_project_created_idx on planning_tasks (org_id, project_id, created_at desc, created_seq, id)');
    await this.execute('create index planning_tasks_assignee_created_idx on planning_tasks (org_id, assignee_id, created_at desc, created_seq, id) where assignee_id is not null');
    // POSITION without a project filter (positions count within a project) was the one order of the API without one.
    await this.execute('create index planning_tasks_org_position_idx on planning_tasks (org_id, position, id)');
    await this.execute('create index planning_tasks_owner_created_idx on planning_tasks (org_id, owner_id, created_at desc, created_seq, id)');

    await this.execute(`
      create table planning_task_counts (
        org_id varchar(128) not null,
        project_id uuid null,
        status varchar(16) not null,
        tasks bigint not null,
        constraint planning_task_counts_key unique nulls not distinct (org_id, project_id, status)
      )`);
    await this.execute(`
      create function planning_task_counts_follow() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          ${applyDeltas('select org_id, project_id, status, 1 as delta from new_rows')};
        elsif tg_op = 'DELETE' then
          ${applyDeltas('select org_id, project_id, status, -1 as delta from old_rows')};
        else
          ${applyDeltas('select org_id, project_id, status, 1 as delta from new_rows union all select org_id, project_id, status, -1 from old_rows')};
        end if;
        return null;
      end $$`);
    await this.execute(`
      create function planning_task_counts_clear() returns trigger language plpgsql as $$
      begin
        delete from planning_task_counts;
        return null;
      end $$`);
    // The triggers first: creating them locks out writes to planning_tasks until this migration commits, so the
    // backfill below counts a table nobody changes meanwhile.
    await this.execute('create trigger planning_task_counts_insert after insert on planning_tasks referencing new table as new_rows for each statement execute function planning_task_counts_follow()');
    await this.execute('create trigger planning_task_counts_update after update on planning_tasks referencing old table as old_rows new table as new_rows for each statement execute function planning_task_counts_follow()');
    await this.execute('create trigger planning_task_counts_delete after delete on planning_tasks referencing old table as old_rows for each statement execute function planning_task_counts_follow()');
    await this.execute('create trigger planning_task_counts_truncate after truncate on planning_tasks for each statement execute function planning_task_counts_clear()');
    await this.execute('insert into planning_task_counts (org_id, project_id, status, tasks) select org_id, project_id, status, count(*) from planning_tasks group by org_id, project_id, status');
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger if exists planning_task_counts_truncate on planning_tasks');
    this.addSql('drop trigger if exists planning_task_counts_delete on planning_tasks');
    this.addSql('drop trigger if exists planning_task_counts_update on planning_tasks');
    this.addSql('drop trigger if exists planning_task_counts_insert on planning_tasks');
    this.addSql('drop function if exists planning_task_counts_clear()');
    this.addSql('drop function if exists planning_task_counts_follow()');
    this.addSql('drop table if exists planning_task_counts');
    this.addSql('drop index if exists planning_tasks_owner_created_idx');
    this.addSql('drop index if exists planning_tasks_org_position_idx');
    this.addSql('drop index if exists planning_tasks_assignee_created_idx');
    this.addSql('drop index if exists planning_tasks_project_created_idx');
    this.addSql('drop index if exists planning_tasks_project_due_idx');
    this.addSql('drop index if exists planning_tasks_project_status_created_idx');
    this.addSql('drop index if exists planning_tasks_project_status_due_idx');
  }
}
