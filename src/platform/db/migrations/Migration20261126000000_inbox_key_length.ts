import { Migration } from '@mikro-orm/migrations';

/**
 * An inbound event's key is `id:{type}:{id}`, up to 304 characters (type 100, id 200), which did not fit
 * `planning_inbox.event_key varchar(200)`: such an event failed in PostgreSQL on every delivery until it was
 * dead-lettered. Widening a varchar rewrites neither the table nor its primary key index.
 */
export class Migration20261126000000_inbox_key_length extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table planning_inbox alter column event_key type varchar(320)');
  }

  override async down(): Promise<void> {
    this.addSql('alter table planning_inbox alter column event_key type varchar(200)');
  }
}
