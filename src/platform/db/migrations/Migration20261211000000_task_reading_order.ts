import { Migration } from '@mikro-orm/migrations';
import { readingOrderKey } from '../../text/reading-order.js';

/** Rows whose title key is computed per statement of the backfill. */
const BACKFILL_BATCH = 1000;

/**
 * The orders people read task lists in (issue 23):
 *
 * - `created_seq`: the order tasks were inserted in, an identity column the database fills on every insert (one
 *   `createTasks` inserts its tasks in input order, in one statement), CREATED_AT's tie-break among tasks created
 *   at the same instant. Existing rows are numbered by creation time, then position (the input order of a batch
 *   that went into one project, or into none), then id.
 * - `title_key`: the title's reading-order key (case and accents set aside, see `readingOrderKey`), in the `"C"`
 *   collation, TITLE's first column. Computed by the code that writes the title, so the backfill here computes it
 *   with the same function, batch by batch, rather than with SQL (neither ICU nor `unaccent` exist on PGlite).
 *
 * The indexes of those orders replace the old ones: CREATED_AT's is made for the default `CREATED_AT DESC`.
 */
export class Migration20261211000000_task_reading_order extends Migration {
  override async up(): Promise<void> {
    // Statements run here one after the other (the backfill reads what the statements before it made), in the
    // migration's transaction.
    await this.execute('alter table planning_tasks add column created_seq bigint');
    await this.execute(`
      update planning_tasks t set created_seq = numbered.seq
      from (select id, row_number() over (order by created_at, position, id) as seq from planning_tasks) numbered
      where t.id = numbered.id`);
    await this.execute('alter table planning_tasks alter column created_seq set not null');
    await this.execute('alter table planning_tasks alter column created_seq add generated always as identity');
    await this.execute(
      `select setval(pg_get_serial_sequence('planning_tasks', 'created_seq'), coalesce(max(created_seq), 0) + 1, false) from planning_tasks`,
    );

    await this.execute('alter table planning_tasks add column title_key text collate "C"');
    await this.backfillTitleKeys();
    await this.execute('alter table planning_tasks alter column title_key set not null');

    await this.execute('drop index if exists planning_tasks_org_created_idx');
    await this.execute('drop index if exists planning_tasks_org_status_created_idx');
    await this.execute('drop index if exists planning_tasks_org_title_idx');
    await this.execute('create index planning_tasks_org_created_order_idx on planning_tasks (org_id, created_at desc, created_seq, id)');
    await this.execute('create index planning_tasks_org_status_created_order_idx on planning_tasks (org_id, status, created_at desc, created_seq, id)');
    // Without the title itself (TITLE's second column): key and title together could pass the size of an index entry.
    await this.execute('create index planning_tasks_org_title_key_idx on planning_tasks (org_id, title_key, id)');
  }

  private async backfillTitleKeys(): Promise<void> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = (await this.execute('select id, title from planning_tasks where id > ? order by id limit ?', [after, BACKFILL_BATCH])) as Array<{
        id: string;
        title: string;
      }>;
      if (rows.length === 0) return;
      const keys = JSON.stringify(rows.map((r) => ({ id: r.id, key: readingOrderKey(r.title) })));
      await this.execute(
        `update planning_tasks t set title_key = k.key from jsonb_to_recordset(?::jsonb) as k(id uuid, key text) where t.id = k.id`,
        [keys],
      );
      after = rows.at(-1)!.id;
    }
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists planning_tasks_org_title_key_idx');
    this.addSql('drop index if exists planning_tasks_org_status_created_order_idx');
    this.addSql('drop index if exists planning_tasks_org_created_order_idx');
    this.addSql('alter table planning_tasks drop column title_key');
    this.addSql('alter table planning_tasks drop column created_seq');
    this.addSql('create index planning_tasks_org_created_idx on planning_tasks (org_id, created_at, id)');
    this.addSql('create index planning_tasks_org_status_created_idx on planning_tasks (org_id, status, created_at, id)');
    this.addSql('create index planning_tasks_org_title_idx on planning_tasks (org_id, title, id)');
  }
}
