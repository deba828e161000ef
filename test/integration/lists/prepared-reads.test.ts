import { PLANNING_ENTITIES } from '../../../src/modules/planning-entities.js';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/platform/db/database.js';
import { migrateToLatest, openOrm } from '../../../src/platform/db/orm.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { executePrepared, MAX_NAMED_STATEMENTS } from '../../../src/platform/db/prepared-reads.js';
import { createTestDatabase, type TestDatabase } from '../../testkit/test-database.js';

describe('prepared reads', () => {
  let database: TestDatabase;
  /** One connection, so that pg_prepared_statements shows the session every read ran in. */
  let orm: MikroORM;
  let onServer: boolean;

  beforeAll(async () => {
    database = await createTestDatabase();
    onServer = database.kind === 'postgres';
    orm = await openOrm({ entities: PLANNING_ENTITIES, clientUrl: database.url, poolMax: 1, preparedReads: onServer });
    await migrateToLatest(orm);
    const em = orm.em.fork();
    for (const [org, count] of [['org-a', 3], ['org-b', 2]] as const) {
      for (let i = 0; i < count; i += 1) {
        await em.execute(
          `insert into planning_tasks (id, org_id, title, title_key, status, priority, tags, position, owner_id, metadata, created_at, updated_at)
           values (?, ?, ?, ?, 'PENDING', 2, array['t']::text[], ?, 'u', '{}', now(), now())`,
          [randomUUID(), org, `${org} task ${i}`, `${org} task ${i}`, i],
        );
      }
    }
  });
  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  const pageOf = (org: string) => orm.em.getKnex()('planning_tasks').where('org_id', org).select('*').orderBy('id').limit(10, { skipBinding: true });
  const preparedNames = async () => (await orm.em.fork().execute<Array<{ name: string; statement: string }>>('select name, statement from pg_prepared_statements order by prepare_time'));

  it.runIf(process.env.DATABASE_URL)('when a list read runs a second time, then it is a named statement with its values as parameters, and its rows are those of the plain read', async () => {
    const em = orm.em.fork();
    const first = await executePrepared<Record<string, unknown>>(em, pageOf('org-a'));
    // A text is named from its second run on: one-off texts do not use up the names.
    expect(await preparedNames()).toEqual([]);
    const prepared = await executePrepared<Record<string, unknown>>(em, pageOf('org-a'));
    const plain = await em.execute<Array<Record<string, unknown>>>(pageOf('org-a'));
    expect(prepared).toHaveLength(3);
    expect(prepared).toEqual(plain);
    expect(first).toEqual(plain);
    const names = await preparedNames();
    expect(names).toHaveLength(1);
    expect(names[0]!.name).toMatch(/^fk0_/);
    expect(names[0]!.statement).toContain('"org_id" = $1');
    expect(names[0]!.statement).toContain('limit 10');
  });

  it.runIf(process.env.DATABASE_URL)('when the same read runs for another org, then the one statement is reused with the other value', async () => {
    const rows = await executePrepared<{ org_id: string }>(orm.em.fork(), pageOf('org-b'));
    expect(rows.map((r) => r.org_id)).toEqual(['org-b', 'org-b']);
    expect(await preparedNames()).toHaveLength(1);
  });

  it.runIf(process.env.DATABASE_URL)('when a read runs in a transaction, then it runs there and sees the transaction\'s own rows', async () => {
    await orm.em.fork().transactional(async (em) => {
      await em.execute(
        `insert into planning_tasks (id, org_id, title, title_key, status, priority, tags, position, owner_id, metadata, created_at, updated_at)
         values (?, 'org-b', 'uncommitted', 'uncommitted', 'PENDING', 2, '{}', 9, 'u', '{}', now(), now())`,
        [randomUUID()],
      );
      const inside = await executePrepared<{ title: string }>(em, pageOf('org-b'));
      expect(inside.map((r) => r.title)).toContain('uncommitted');
      throw new Error('roll back');
    }).catch((error: Error) => expect(error.message).toBe('roll back'));
    expect((await executePrepared<{ title: string }>(orm.em.fork(), pageOf('org-b'))).map((r) => r.title)).not.toContain('uncommitted');
  });

  it.runIf(process.env.DATABASE_URL)('when a migration adds a column under a running process, then the read still answers (with it), and the next one is prepared anew', async () => {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query('alter table planning_tasks add column drill_extra int not null default 7');
      // The server refuses the cached plan of `select *` (its result type changed); the read runs again unnamed.
      const rows = await executePrepared<{ drill_extra: number }>(orm.em.fork(), pageOf('org-a'));
      expect(rows.map((r) => r.drill_extra)).toEqual([7, 7, 7]);
      for (let i = 0; i < 2; i += 1) {
        const again = await executePrepared<{ drill_extra: number }>(orm.em.fork(), pageOf('org-a'));
        expect(again.map((r) => r.drill_extra)).toEqual([7, 7, 7]);
      }
      expect((await preparedNames()).map((n) => n.name.slice(0, 4))).toEqual(['fk0_', 'fk1_']);
    } finally {
      await admin.query('alter table planning_tasks drop column if exists drill_extra');
      await admin.end();
    }
  });

  it.runIf(process.env.DATABASE_URL)('when a cached plan is refused inside a transaction, then the statement fails there, and the next read outside is prepared anew', async () => {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query('alter table planning_tasks add column drill_extra_tx int');
      const failure = await orm.em
        .fork()
        .transactional((em) => executePrepared(em, pageOf('org-a')))
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      expect((failure as { code?: string }).code).toBe('0A000');
      for (let i = 0; i < 2; i += 1) expect(await executePrepared(orm.em.fork(), pageOf('org-a'))).toHaveLength(3);
      expect((await preparedNames()).map((n) => n.name.slice(0, 4))).toEqual(['fk0_', 'fk1_', 'fk2_']);
    } finally {
      await admin.query('alter table planning_tasks drop column if exists drill_extra_tx');
      await admin.end();
    }
  });

  it.runIf(process.env.DATABASE_URL)('when a value is an array, then the read runs as em.execute writes it (a comma list) and is never named', async () => {
    const em = orm.em.fork();
    const knex = orm.em.getKnex();
    const query = () => knex('planning_tasks').select('org_id').whereRaw('org_id = any(array[?])', [['org-b', 'org-x']]);
    for (let i = 0; i < 2; i += 1) expect(await executePrepared<{ org_id: string }>(em, query())).toEqual([{ org_id: 'org-b' }, { org_id: 'org-b' }]);
    expect((await preparedNames()).filter((n) => n.statement.includes('any(array'))).toEqual([]);
  });

  it('when the database is the embedded one, or DATABASE_PREPARED_STATEMENTS is off, then openDatabase leaves every read unnamed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'prepared-'));
    const embedded = await openDatabase({ entities: PLANNING_ENTITIES, databaseUrl: undefined, poolMax: 1, dataDir, logger: createLogger('silent') });
    // With a server: the same server with the switch off.
    const off = process.env.DATABASE_URL
      ? await openDatabase({ entities: PLANNING_ENTITIES, databaseUrl: database.url, poolMax: 1, dataDir, logger: createLogger('silent'), preparedReads: false, migrate: false })
      : undefined;
    try {
      for (const opened of off ? [off, embedded] : [embedded]) {
        const em = opened.orm.em.fork();
        const read = () => opened.orm.em.getKnex()('planning_tasks').where('org_id', 'org-b').select('org_id');
        for (let i = 0; i < 3; i += 1) await executePrepared(em, read());
        expect(await em.execute('select name from pg_prepared_statements where name like ?', ['fk%'])).toEqual([]);
      }
      expect(embedded.mode).toBe('embedded');
    } finally {
      await off?.close();
      await embedded.close();
      await rm(dataDir, { recursive: true, force: true });
    }
    // Starting an embedded PGlite and migrating it takes 20 to 30 s on a loaded 2-core host.
  }, 90_000);

  it('when the ORM is not allowed named statements (the embedded database), then reads run unnamed with the same rows', async () => {
    const plainOrm = await openOrm({ entities: PLANNING_ENTITIES, clientUrl: database.url, poolMax: 1 });
    try {
      const em = plainOrm.em.fork();
      const rows = await executePrepared<{ org_id: string }>(em, plainOrm.em.getKnex()('planning_tasks').where('org_id', 'org-b').select('org_id'));
      expect(rows).toEqual([{ org_id: 'org-b' }, { org_id: 'org-b' }]);
      expect(await em.execute('select name from pg_prepared_statements')).toEqual([]);
    } finally {
      await plainOrm.close(true);
    }
  });

  it.runIf(process.env.DATABASE_URL)(`when more than ${MAX_NAMED_STATEMENTS} texts have been named, then further texts run unnamed and still answer`, async () => {
    const before = (await preparedNames()).length;
    const knex = orm.em.getKnex();
    const em = orm.em.fork();
    for (let i = 0; i < MAX_NAMED_STATEMENTS + 20; i += 1) {
      for (let run = 0; run < 2; run += 1) {
        const [row] = await executePrepared<{ n: number }>(em, knex.select(knex.raw(`?::int as n, ${i} as text_${i}`, [i])));
        expect(row!.n).toBe(i);
      }
    }
    // One text already has a name (the page's, prepared anew above), so 499 more were named; the other 21 ran unnamed.
    expect((await preparedNames()).length).toBe(before + MAX_NAMED_STATEMENTS - 1);
  });
});
