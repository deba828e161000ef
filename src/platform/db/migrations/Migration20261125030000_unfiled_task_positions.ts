import { Migration } from '@mikro-orm/migrations';

/**
 * Positions of tasks outside any project: `max(position) ... where project_id is null` could not use the
 * (org, project, position) index on PostgreSQL 15 and read every unfiled task of the org on each create (the tasks
 * other modules' events create have no project). A partial index makes it one index probe.
 */
export class Migration20261125030000_unfiled_task_positions extends Migration {
  override async up(): Promise<void> {
    this.addSql('create index planning_tasks_unfiled_position_idx on planning_tasks (org_id, position) where project_id is null');
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists planning_tasks_unfiled_position_idx');
  }
}
