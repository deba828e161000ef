import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATION_LOCK_KEY } from '../../../src/platform/db/migration-lock.js';
import { migrationsList } from '../../../src/platform/db/migrations/index.js';
import { serviceSettings } from '../../testkit/services.js';
import { createTestDatabase, type TestDatabase } from '../../testkit/test-database.js';
import { CliChild } from './cli-child.js';

const { databaseUrl } = serviceSettings();
const NEWEST_KNOWN = migrationsList.at(-1)!.name;

async function executedMigrations(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ name: string }>('select name from planning_migrations order by id')).rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

/**
 * Several processes on one PostgreSQL server: the migrator runs under an advisory lock, and a build older than the
 * database's schema refuses to run on it. Needs a real server (the embedded database serves one process).
 */
describe.runIf(!!databaseUrl)('database migrations across processes', () => {
  let database: TestDatabase | undefined;
  const children: CliChild[] = [];

  afterEach(async () => {
    for (const child of children.splice(0)) await child.kill();
    await database?.drop();
    database = undefined;
  });

  it('when three processes start at once on an empty database, then the schema is migrated once, by one of them, and all three succeed', async () => {
    database = await createTestDatabase();
    // The test holds the migration lock until all three wait for it: then they surely contend, whatever their timing.
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    await holder.query('select pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    const env = { DATABASE_URL: database.url };
    const racers = [0, 1, 2].map(() => new CliChild(['migrate'], env));
    children.push(...racers);
    try {
      await Promise.all(racers.map((child) => child.waitForStdout('another process is migrating the database: waiting for it to finish')));
    } finally {
      await holder.end();
    }
    const exits = await Promise.all(racers.map((child) => child.exited));

    expect(exits.map((exit) => exit.code), racers.map((child) => child.stderr + child.stdout.slice(-2000)).join('\n---\n')).toEqual([0, 0, 0]);
    const appliers = racers.filter((child) => child.stdout.includes('"msg":"database migrations applied"'));
    expect(appliers).toHaveLength(1);
    for (const child of racers) {
      expect(child.stdout).toContain('database is up to date');
      expect(child.stdout).not.toMatch(/"level":(50|60)/);
      expect(child.stderr).toBe('');
    }
    expect(await executedMigrations(database.url)).toEqual(migrationsList.map((migration) => migration.name));
  }, 90_000);

  it('when the database was migrated by a newer version, then a role refuses to start with a message naming both schema versions, and changes nothing', async () => {
    database = await createTestDatabase();
    const env = { DATABASE_URL: database.url };
    const migrate = new CliChild(['migrate'], env);
    children.push(migrate);
    expect((await migrate.exited).code).toBe(0);
    const newer = 'Migration20991231000000_from_a_newer_version';
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('insert into planning_migrations (name, executed_at) values ($1, now())', [newer]);
    await client.end();

    const subgraph = new CliChild(['subgraph'], { ...env, PLANNING_PORT: '0', PLANNING_TRUST_MODE: 'headers' });
    children.push(subgraph);
    // Started instead of refusing, it would run until killed: whichever comes first.
    const outcome = await Promise.race([subgraph.exited.then((exit) => exit.code), subgraph.waitForStderr('is ready').then(() => 'started', () => 'exited')]);

    expect(outcome).toBe(1);
    expect(subgraph.stderr).toContain(newer);
    expect(subgraph.stderr).toContain(NEWEST_KNOWN);
    expect(subgraph.stderr).toMatch(/newer version/);
    expect(subgraph.stderr).not.toContain('is ready');
    expect(subgraph.stdout).not.toContain('listening on');
    expect(await executedMigrations(database.url)).toEqual([...migrationsList.map((migration) => migration.name), newer]);
  }, 90_000);
});
