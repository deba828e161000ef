import { PLANNING_ENTITIES } from '../../../src/modules/planning-entities.js';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openOrm } from '../../../src/platform/db/orm.js';
import { createTestDatabase, type TestDatabase } from '../../testkit/test-database.js';

describe('migration of inbox keys to keys with the org', () => {
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

  it('when the database holds keys of the old form, then those that created tasks take their org, and a key with an id as long as allowed fits', async () => {
    await orm.getMigrator().up({ to: 'Migration20261126000000_inbox_key_length' });
    const em = orm.em.fork();
    await em.execute(
      `insert into planning_tasks (id, org_id, owner_id, title, status, priority, created_at, updated_at)
       values ('00000000-0000-4000-8000-0000000000aa', 'org-a', 'u', 'Call back', 'PENDING', 3, now(), now())`,
    );
    await em.execute(
      `insert into planning_inbox (event_key, event_type, event_id, result) values
       ('id:comms.call.ended:e-1', 'comms.call.ended', 'e-1', '{"created": ["00000000-0000-4000-8000-0000000000aa"]}'),
       ('id:comms.call.ended:e-2', 'comms.call.ended', 'e-2', '{"created": []}'),
       ('sha256:abc', 'comms.call.ended', null, '{}')`,
    );

    expect(await migrateToLatest(orm)).toContain('Migration20261203000000_inbox_key_org');

    const keys = (await em.execute<Array<{ event_key: string }>>('select event_key from planning_inbox order by event_key')).map((r) => r.event_key);
    expect(keys).toEqual(['id:comms.call.ended:e-2', 'id:org-a:comms.call.ended:e-1', 'sha256:abc']);
    const longest = `id:${'o'.repeat(128)}:${'t'.repeat(100)}:${'i'.repeat(200)}`;
    await em.execute('insert into planning_inbox (event_key, event_type, event_id) values (?, ?, ?)', [longest, 't'.repeat(100), 'i'.repeat(200)]);
  });
});
