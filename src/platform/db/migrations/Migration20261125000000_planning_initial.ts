import { Migration } from '@mikro-orm/migrations';

/**
 * Tasks and projects. Tenancy is enforced by composite foreign keys on (org_id, id): a task can only point at a
 * project or parent of its own org. Indexes follow the list queries the GraphQL API offers (keyset order + id).
 */
export class Migration20261125000000_planning_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table planning_projects (
        id uuid primary key,
        org_id varchar(128) not null,
        name varchar(200) not null,
        description text null,
        color varchar(7) null,
        icon varchar(50) null,
        status varchar(16) not null check (status in ('ACTIVE', 'ARCHIVED')),
        owner_id varchar(128) not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        version integer not null default 1,
        unique (org_id, id)
      )`);
    this.addSql(`create index planning_projects_org_created_idx on planning_projects (org_id, created_at, id)`);
    this.addSql(`create index planning_projects_org_updated_idx on planning_projects (org_id, updated_at, id)`);
    this.addSql(`create index planning_projects_org_name_idx on planning_projects (org_id, name, id)`);

    this.addSql(`
      create table planning_tasks (
        id uuid primary key,
        org_id varchar(128) not null,
        title varchar(500) not null,
        description text null,
        status varchar(16) not null check (status in ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'ARCHIVED')),
        priority smallint not null check (priority between 1 and 4),
        due_date timestamptz null,
        completed_at timestamptz null,
        estimated_minutes integer null check (estimated_minutes >= 0),
        actual_minutes integer null check (actual_minutes >= 0),
        energy_required varchar(8) null check (energy_required in ('LOW', 'MEDIUM', 'HIGH')),
        tags text[] not null default '{}',
        position integer not null default 0,
        project_id uuid null,
        parent_id uuid null,
        owner_id varchar(128) not null,
        assignee_id varchar(128) null,
        metadata jsonb not null default '{}',
        created_at timestamptz not null,
        updated_at timestamptz not null,
        version integer not null default 1,
        unique (org_id, id),
        check (parent_id is null or parent_id <> id),
        foreign key (org_id, project_id) references planning_projects (org_id, id) on delete set null (project_id),
        foreign key (org_id, parent_id) references planning_tasks (org_id, id) on delete cascade
      )`);
    this.addSql(`create index planning_tasks_org_created_idx on planning_tasks (org_id, created_at, id)`);
    this.addSql(`create index planning_tasks_org_updated_idx on planning_tasks (org_id, updated_at, id)`);
    this.addSql(`create index planning_tasks_org_status_created_idx on planning_tasks (org_id, status, created_at, id)`);
    this.addSql(`create index planning_tasks_org_priority_idx on planning_tasks (org_id, priority, id)`);
    this.addSql(
      `create index planning_tasks_org_due_idx on planning_tasks (org_id, (coalesce(due_date, 'infinity'::timestamptz)), id)`,
    );
    this.addSql(`create index planning_tasks_org_title_idx on planning_tasks (org_id, title, id)`);
    this.addSql(`create index planning_tasks_project_position_idx on planning_tasks (org_id, project_id, position, id)`);
    this.addSql(`create index planning_tasks_parent_idx on planning_tasks (parent_id, position, id) where parent_id is not null`);
    this.addSql(`create index planning_tasks_tags_idx on planning_tasks using gin (tags)`);

    this.addSql(`
      create table planning_idempotency_keys (
        org_id varchar(128) not null,
        user_id varchar(128) not null,
        operation varchar(32) not null,
        key varchar(255) not null,
        request_hash char(64) not null,
        result_ids uuid[] not null,
        created_at timestamptz not null default now(),
        primary key (org_id, user_id, operation, key)
      )`);
    this.addSql(`create index planning_idempotency_keys_created_idx on planning_idempotency_keys (created_at)`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists planning_idempotency_keys');
    this.addSql('drop table if exists planning_tasks');
    this.addSql('drop table if exists planning_projects');
  }
}
