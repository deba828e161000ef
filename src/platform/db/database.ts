import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logging/logger.js';
import { withMigrationLock } from './migration-lock.js';
import { type DatabaseTimeouts, migrateToLatest, openOrm, type OrmOptions, type QueryCounter } from './orm.js';
import { notifyRelaysAfterCommit } from '../outbox/outbox-notifier.js';

export interface Database {
  orm: MikroORM;
  mode: 'postgres' | 'embedded';
  /** Where the database lives, without credentials. */
  location: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl: string | undefined;
  /** The modules' entities (see {@link OrmOptions.entities}). */
  entities: OrmOptions['entities'];
  poolMax: number;
  dataDir: string;
  logger: Logger;
  /** Apply pending migrations on open (the default); `migrate` applies them explicitly. */
  migrate?: boolean;
  queryCounter?: QueryCounter;
  /** Hot reads as named prepared statements on a PostgreSQL server (never on the embedded one). Default on. */
  preparedReads?: boolean;
  /** The loopback port the embedded PostgreSQL listens on without `databaseUrl` (0, the default: any free port). */
  embeddedPort?: number;
  /** Bounds on the statements of requests (not of migrations); see {@link DatabaseTimeouts}. None when unset. */
  timeouts?: Omit<DatabaseTimeouts, 'serverSide'>;
}

/**
 * Opens PostgreSQL at `databaseUrl`, or the embedded PGlite in `dataDir/pglite` when it is unset, and brings the
 * schema up to date (under the migration lock on PostgreSQL: {@link withMigrationLock}).
 *
 * @throws {SchemaTooNewError} when a newer version migrated the database.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const { logger } = options;
  const embedded = options.databaseUrl
    ? undefined
    : await (await import('./embedded-postgres.js')).startEmbeddedPostgres({ dataDir: join(options.dataDir, 'pglite'), port: options.embeddedPort });
  const clientUrl = options.databaseUrl ?? embedded!.url;
  // PGlite has one session for every connection: a pool of one keeps transactions from interleaving in it.
  const poolMax = embedded ? 1 : options.poolMax;
  const location = embedded ? `${join(options.dataDir, 'pglite')}, served on ${new URL(embedded.url).host} (EMBEDDED_DATABASE_PORT)` : redactUrl(clientUrl);
  if (embedded) logger.warn({ dataDir: location }, 'DATABASE_URL is not set: using the embedded PostgreSQL (PGlite), for development only');
  if (options.migrate !== false) {
    // Migrations on a connection of their own, without the requests' statement timeouts (a migration may take long).
    // Processes starting at once on one server migrate one after another; the embedded database serves this process only.
    try {
      const migrating = await openOrm({ clientUrl, poolMax: 1, entities: options.entities, log: (line) => logger.info({ component: 'orm' }, line) });
      const migrate = () => migrateToLatest(migrating);
      const applied = await (embedded ? migrate() : withMigrationLock(clientUrl, logger, migrate)).finally(() => migrating.close(true));
      if (applied.length) logger.info({ applied }, 'database migrations applied');
    } catch (error) {
      await embedded?.stop();
      throw error;
    }
  }
  let orm: MikroORM;
  try {
    orm = await openOrm({
      clientUrl,
      entities: options.entities,
      log: (line) => logger.info({ component: 'orm' }, line),
      poolMax,
      queryCounter: options.queryCounter,
      preparedReads: !embedded && options.preparedReads !== false,
      timeouts: options.timeouts && { ...options.timeouts, serverSide: !embedded },
    });
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  // Relays in other processes hear of this process's commits (LISTEN/NOTIFY); PGlite serves one process only.
  if (!embedded) notifyRelaysAfterCommit(orm);
  return {
    orm,
    mode: embedded ? 'embedded' : 'postgres',
    location,
    async close() {
      await orm.close(true);
      await embedded?.stop();
    },
  };
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = parsed.password ? '***' : '';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
