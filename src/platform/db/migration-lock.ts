import pg from 'pg';
import type { Logger } from '../logging/logger.js';

/**
 * The session-level advisory lock every process of this module takes around its migrator: the same 64-bit number
 * everywhere (the bytes of "fk-migr8"), used by no other lock on the database.
 */
export const MIGRATION_LOCK_KEY = '7380042362319761976';

/**
 * Runs `migrate` while holding {@link MIGRATION_LOCK_KEY} on a session of its own, so processes started at once on
 * one database migrate it one after another: the first applies the pending migrations, the others then find none.
 * MikroORM's migrator takes no lock itself (two at once both create the same tables and one fails). A process that
 * dies mid-migration releases the lock with its session.
 *
 * @example
 * const applied = await withMigrationLock(databaseUrl, logger, () => migrateToLatest(orm));
 */
export async function withMigrationLock<T>(databaseUrl: string, logger: Logger, migrate: () => Promise<T>): Promise<T> {
  const session = new pg.Client({ connectionString: databaseUrl });
  // Without a listener a lost connection would crash the process; the migration's own connections report the outage.
  session.on('error', (err) => logger.warn({ err }, 'migration lock: connection lost'));
  await session.connect();
  try {
    const { rows } = await session.query<{ locked: boolean }>('select pg_try_advisory_lock($1::bigint) as locked', [MIGRATION_LOCK_KEY]);
    if (!rows[0]?.locked) {
      logger.info('another process is migrating the database: waiting for it to finish');
      await session.query('select pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    }
    return await migrate();
  } finally {
    // Ending the session releases the lock.
    await session.end().catch(() => {});
  }
}
