import { Migration } from '@mikro-orm/migrations';

/**
 * Shadow AI and Flow Memory.
 *
 * - `planning_shadow_profiles` / `planning_shadow_insights`: a user's 30-day journey (one profile per org and user,
 *   its 30 insights, one unlocked per day).
 * - `planning_shadow_task_changes`: the due-date moves and reopenings of tasks, written by a trigger on
 *   `planning_tasks` for every writer (mutations, inbound events, bulk SQL), so the analysis can tell repeatedly
 *   postponed tasks apart. The row names whose work the task was at the time (`coalesce(assignee_id, owner_id)`).
 * - `planning_flow_memory_settings`: whether a user's memory is on and keeps transient interactions (the memory itself
 *   lives in Redis; a preference to forget must survive a flushed cache).
 * - Indexes over "the user's tasks" (assigned to them, or theirs and assigned to nobody), bounded by the report's
 *   time range, so each analysis statement reads the range's rows, not the user's whole history.
 */
export class Migration20261203100000_shadow_and_flow_memory extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table planning_shadow_profiles (
        id uuid primary key,
        org_id varchar(128) not null,
        user_id varchar(128) not null,
        archetype varchar(16) not null check (archetype in ('warrior', 'sage', 'lover', 'creator', 'caregiver', 'explorer')),
        archetype_scores jsonb not null default '{}',
        unlock_day integer not null check (unlock_day between 1 and total_days),
        total_days integer not null default 30,
        last_unlocked_at timestamptz not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        version integer not null default 1,
        unique (org_id, user_id),
        unique (org_id, id)
      )`);
    this.addSql(`
      create table planning_shadow_insights (
        id uuid primary key,
        org_id varchar(128) not null,
        profile_id uuid not null,
        user_id varchar(128) not null,
        day integer not null check (day between 1 and 30),
        phase varchar(16) not null check (phase in ('awareness', 'understanding', 'integration')),
        content text not null,
        finding_kind varchar(32) null,
        finding text null,
        task_ids uuid[] not null default '{}',
        confidence real null check (confidence between 0 and 1),
        unlocked_at timestamptz null,
        acknowledged_at timestamptz null,
        created_at timestamptz not null,
        unique (profile_id, day),
        foreign key (org_id, profile_id) references planning_shadow_profiles (org_id, id) on delete cascade
      )`);
    this.addSql(`create index planning_shadow_insights_user_idx on planning_shadow_insights (org_id, user_id, day)`);

    this.addSql(`
      create table planning_shadow_task_changes (
        id bigserial primary key,
        org_id varchar(128) not null,
        task_id uuid not null,
        user_id varchar(128) not null,
        kind varchar(16) not null check (kind in ('postponed', 'reopened')),
        changed_at timestamptz not null,
        foreign key (org_id, task_id) references planning_tasks (org_id, id) on delete cascade
      )`);
    this.addSql(`create index planning_shadow_task_changes_user_idx on planning_shadow_task_changes (org_id, user_id, changed_at)`);
    this.addSql(`create index planning_shadow_task_changes_task_idx on planning_shadow_task_changes (org_id, task_id)`);
    // A due date moved later (or removed) is a postponement; leaving COMPLETED is a reopening. Other updates (a
    // move renumbering positions, a title change) only evaluate the WHEN clause.
    this.addSql(`
      create function planning_shadow_record_task_change() returns trigger language plpgsql as $$
      begin
        if old.due_date is not null and (new.due_date is null or new.due_date > old.due_date) then
          insert into planning_shadow_task_changes (org_id, task_id, user_id, kind, changed_at)
          values (new.org_id, new.id, coalesce(new.assignee_id, new.owner_id), 'postponed', new.updated_at);
        end if;
        if old.status = 'COMPLETED' and new.status <> 'COMPLETED' then
          insert into planning_shadow_task_changes (org_id, task_id, user_id, kind, changed_at)
          values (new.org_id, new.id, coalesce(new.assignee_id, new.owner_id), 'reopened', new.updated_at);
        end if;
        return null;
      end $$`);
    this.addSql(`
      create trigger planning_shadow_task_changes_trigger
      after update of due_date, status on planning_tasks
      for each row
      when ((old.due_date is not null and new.due_date is distinct from old.due_date) or (old.status = 'COMPLETED' and new.status <> 'COMPLETED'))
      execute function planning_shadow_record_task_change()`);

    this.addSql(`
      create table planning_flow_memory_settings (
        org_id varchar(128) not null,
        user_id varchar(128) not null,
        enabled boolean not null default true,
        store_transient boolean not null default false,
        updated_at timestamptz not null,
        primary key (org_id, user_id)
      )`);

    const workOf = `(coalesce(assignee_id, owner_id))`;
    this.addSql(`create index planning_tasks_work_created_idx on planning_tasks (org_id, ${workOf}, created_at)`);
    this.addSql(`create index planning_tasks_work_completed_idx on planning_tasks (org_id, ${workOf}, completed_at) where completed_at is not null`);
    this.addSql(`create index planning_tasks_work_open_due_idx on planning_tasks (org_id, ${workOf}, due_date) where status in ('PENDING', 'IN_PROGRESS') and due_date is not null`);
    this.addSql(`create index planning_tasks_work_in_progress_idx on planning_tasks (org_id, ${workOf}, updated_at) where status = 'IN_PROGRESS'`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists planning_tasks_work_in_progress_idx');
    this.addSql('drop index if exists planning_tasks_work_open_due_idx');
    this.addSql('drop index if exists planning_tasks_work_completed_idx');
    this.addSql('drop index if exists planning_tasks_work_created_idx');
    this.addSql('drop table if exists planning_flow_memory_settings');
    this.addSql('drop trigger if exists planning_shadow_task_changes_trigger on planning_tasks');
    this.addSql('drop function if exists planning_shadow_record_task_change()');
    this.addSql('drop table if exists planning_shadow_task_changes');
    this.addSql('drop table if exists planning_shadow_insights');
    this.addSql('drop table if exists planning_shadow_profiles');
  }
}
