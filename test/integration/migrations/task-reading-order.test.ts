import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CursorCodec } from '../../../src/modules/common/cursor.js';
import { PLANNING_ENTITIES } from '../../../src/modules/planning-entities.js';
import { TaskService } from '../../../src/modules/tasks/task.service.js';
import { migrateToLatest, openOrm } from '../../../src/platform/db/orm.js';
import { readingOrderKey } from '../../../src/platform/text/reading-order.js';
import { createTestDatabase, type TestDatabase } from '../../testkit/test-database.js';

const BEFORE = 'Migration20261203100000_shadow_and_flow_memory';
const THIS = 'Migration20261211000000_task_reading_order';

/** Ids whose order is not the tasks' positions, so numbering by id would show. */
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('migration to the reading orders (created_seq, title_key)', () => {
  let database: TestDatabase;
  let orm: MikroORM;
  beforeAll(async () => {
    database = await createTestDatabase();
    orm = await openOrm({ entities: PLANNING_ENTITIES, clientUrl: database.url, poolMax: 1 });
  });
  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  const rows = (sql: string, params: unknown[] = []) => orm.em.fork().execute<Array<Record<string, any>>>(sql, params);
  const indexes = async () => (await rows(`select indexname from pg_indexes where tablename = 'planning_tasks'`)).map((r) => r.indexname as string);

  it('when tasks exist before it, then each gets its title key and a place in creation order (batches by position), and new tasks continue after them', async () => {
    await orm.getMigrator().up({ to: BEFORE });
    const insert = (n: number, title: string, position: number, createdAt: string, org = 'org-a') =>
      rows(
        `insert into planning_tasks (id, org_id, owner_id, title, status, priority, position, created_at, updated_at)
         values (?, ?, 'u', ?, 'PENDING', 2, ?, ?, ?)`,
        [id(n), org, title, position, createdAt, createdAt],
      );
    // One bulk batch of four (one instant, positions in input order, ids not), and an older single task.
    const batchAt = '2026-11-30T10:00:00.000Z';
    await insert(4, 'Zebra', 1, batchAt);
    await insert(2, 'Éclair', 2, batchAt);
    await insert(3, 'apple', 3, batchAt);
    await insert(1, 'Buy milk', 4, batchAt);
    await insert(9, 't1', 0, '2026-11-29T10:00:00.000Z');
    // More rows than one backfill statement keys.
    await rows(
      `insert into planning_tasks (id, org_id, owner_id, title, status, priority, position, created_at, updated_at)
       select gen_random_uuid(), 'org-b', 'u', 'ÄRGER Nr. ' || g, 'PENDING', 2, g, now(), now() from generate_series(1, 2100) g`,
    );

    expect((await migrateToLatest(orm))[0]).toBe(THIS);

    const all = await rows('select title, title_key from planning_tasks');
    expect(all).toHaveLength(2105);
    expect(all.filter((r) => r.title_key !== readingOrderKey(r.title))).toEqual([]);
    expect(all.find((r) => r.title === 'ÄRGER Nr. 7')!.title_key).toBe('arger nr. 7');

    const inCreationOrder = async () => (await rows(`select title from planning_tasks where org_id = 'org-a' order by created_seq`)).map((r) => r.title);
    expect(await inCreationOrder()).toEqual(['t1', 'Zebra', 'Éclair', 'apple', 'Buy milk']);
    const [{ max: before }] = (await rows('select max(created_seq)::int as max from planning_tasks')) as Array<{ max: number }>;

    const created = await new TaskService(orm.em.fork(), new CursorCodec('test-cursor-secret-0123456789')).createTasks(
      { userId: 'u', orgId: 'org-a', roles: ['member'] },
      [{ title: 'New one' }, { title: 'new two' }],
    );
    const seqs = await rows('select id, created_seq::int as seq from planning_tasks where id = any(?::uuid[]) order by created_seq', [`{${created.map((t) => t.id).join(',')}}`]);
    expect(seqs).toEqual([
      { id: created[0]!.id, seq: before + 1 },
      { id: created[1]!.id, seq: before + 2 },
    ]);
    expect(await indexes()).toEqual(expect.arrayContaining(['planning_tasks_org_created_order_idx', 'planning_tasks_org_status_created_order_idx', 'planning_tasks_org_title_key_idx']));
    expect(await indexes()).not.toContain('planning_tasks_org_title_idx');
  });

  it('when it is reverted, then the columns and their indexes go and the old indexes come back; applied again, it numbers and keys the rows anew', async () => {
    // Down to and including this migration (those after it first).
    await orm.getMigrator().down({ to: THIS });
    const columns = (await rows(`select column_name from information_schema.columns where table_name = 'planning_tasks'`)).map((r) => r.column_name);
    expect(columns).not.toContain('created_seq');
    expect(columns).not.toContain('title_key');
    expect(await indexes()).toEqual(expect.arrayContaining(['planning_tasks_org_created_idx', 'planning_tasks_org_status_created_idx', 'planning_tasks_org_title_idx']));
    expect(await indexes()).not.toContain('planning_tasks_org_title_key_idx');

    expect((await migrateToLatest(orm))[0]).toBe(THIS);
    expect(await rows('select 1 from planning_tasks where title_key is null or created_seq is null')).toEqual([]);
    const titles = (await rows(`select title from planning_tasks where org_id = 'org-a' order by title_key, title collate "C"`)).map((r) => r.title);
    expect(titles).toEqual(['apple', 'Buy milk', 'Éclair', 'New one', 'new two', 't1', 'Zebra']);
  });
});
