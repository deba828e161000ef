import { Migration } from '@mikro-orm/migrations';

/**
 * An inbound event with an id is deduplicated per org: its key becomes `id:{org}:{type}:{id}` (up to 433
 * characters: org 128, type 100, id 200), so two orgs sending the same event id are two events. Rows written under
 * the old key `id:{type}:{id}` that created tasks take their org from those tasks, so an event redelivered across
 * the upgrade is still recognised; the others created nothing, so applying such an event again changes nothing.
 */
export class Migration20261203000000_inbox_key_org extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table planning_inbox alter column event_key type varchar(440)');
    this.addSql(`
      update planning_inbox inbox
      set event_key = 'id:' || task.org_id || ':' || substr(inbox.event_key, 4)
      from planning_tasks task
      where inbox.event_key like 'id:%'
        and jsonb_array_length(coalesce(inbox.result -> 'created', '[]'::jsonb)) > 0
        and task.id::text = inbox.result -> 'created' ->> 0`);
  }

  override async down(): Promise<void> {
    this.addSql(`
      update planning_inbox set event_key = 'id:' || substr(event_key, 4 + position(':' in substr(event_key, 4)))
      where event_key like 'id:%' and event_id is not null
        and substr(event_key, 4 + position(':' in substr(event_key, 4))) = event_type || ':' || event_id`);
    this.addSql('alter table planning_inbox alter column event_key type varchar(320)');
  }
}
