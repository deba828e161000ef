import { MikroORM, type Logger, type LoggerNamespace, type LogContext } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { TaskSchema } from '../../modules/tasks/task.entity.js';
import { ProjectSchema } from '../../modules/projects/project.entity.js';
import { ShadowInsightSchema } from '../../modules/shadow/shadow-insight.entity.js';
import { ShadowProfileSchema } from '../../modules/shadow/shadow-profile.entity.js';
import { migrationsList } from './migrations/index.js';
import { enablePreparedReads } from './prepared-reads.js';
import { assertSchemaIsKnown } from './schema-version.js';

/** Counts the SQL statements the ORM sends; tests use it to prove a request costs a constant number of them. */
export class QueryCounter {
  count = 0;
  readonly statements: string[] = [];
  reset(): void {
    this.count = 0;
    this.statements.length = 0;
  }
}

export interface OrmOptions {
  clientUrl: string;
  poolMax: number;
  /** When given, every statement is counted (and nothing is printed). */
  queryCounter?: QueryCounter;
  /**
   * Run hot reads (list pages and their counts) as named prepared statements ({@link enablePreparedReads}). Only for
   * a PostgreSQL server of its own, not the embedded PGlite (one session shared by all connections). Default off.
   */
  preparedReads?: boolean;
  /**
   * Bounds on every statement of this ORM's connections, so that a stalled database fails requests quickly instead
   * of holding them (and committing them after the caller was told they failed): see {@link DatabaseTimeouts}. None
   * when unset (migrations run without them: a migration may rightly take long).
   */
  timeouts?: DatabaseTimeouts;
}

/** How long a request may wait on PostgreSQL (`DATABASE_STATEMENT_TIMEOUT_MS`, `DATABASE_ACQUIRE_TIMEOUT_MS`). */
export interface DatabaseTimeouts {
  /**
   * A statement runs at most this long (the server's `statement_timeout`), and its answer is awaited at most this
   * long plus 2 s (the driver's `query_timeout`, which also covers a server that stopped answering at all); a
   * transaction left idle this long is ended by the server (`idle_in_transaction_session_timeout`), so an
   * abandoned one cannot commit later.
   */
  statementMs: number;
  /** Waiting for a pooled connection (or a new one) at most this long. */
  acquireMs: number;
  /** Also set the server-side timeouts (real PostgreSQL; the embedded PGlite has no timers for them). */
  serverSide: boolean;
}

/** The driver's `query_timeout` waits this much longer than the server's `statement_timeout`, so the server's fires first. */
const CLIENT_TIMEOUT_MARGIN_MS = 2000;

function driverTimeouts(timeouts: DatabaseTimeouts | undefined): Record<string, unknown> {
  if (!timeouts) return {};
  return {
    acquireConnectionTimeout: timeouts.acquireMs,
    connection: {
      connectionTimeoutMillis: timeouts.acquireMs,
      query_timeout: timeouts.statementMs + CLIENT_TIMEOUT_MARGIN_MS,
      ...(timeouts.serverSide ? { statement_timeout: timeouts.statementMs, idle_in_transaction_session_timeout: timeouts.statementMs } : {}),
    },
  };
}

const countingLogger = (counter: QueryCounter): Logger => ({
  log(namespace: LoggerNamespace | string, message: string, context?: LogContext) {
    if (namespace !== 'query') return;
    counter.count++;
    counter.statements.push(context?.query ?? message);
  },
  error() {},
  warn() {},
  logQuery(context: LogContext & { query: string }) {
    counter.count++;
    counter.statements.push(context.query);
  },
  setDebugMode() {},
  isEnabled: (namespace: LoggerNamespace) => namespace === 'query',
});

/** Opens the ORM (PostgreSQL via `pg`) with the planning entities and the committed migrations. */
export async function openOrm(options: OrmOptions): Promise<MikroORM> {
  const orm = await MikroORM.init({
    clientUrl: options.clientUrl,
    entities: [TaskSchema, ProjectSchema, ShadowProfileSchema, ShadowInsightSchema],
    extensions: [Migrator],
    migrations: { tableName: 'planning_migrations', migrationsList, transactional: true, allOrNothing: true },
    pool: { min: 0, max: options.poolMax },
    driverOptions: driverTimeouts(options.timeouts),
    forceUtcTimezone: true,
    allowGlobalContext: false,
    discovery: { warnWhenNoEntities: false },
    debug: options.queryCounter ? ['query'] : false,
    ...(options.queryCounter ? { loggerFactory: () => countingLogger(options.queryCounter!) } : {}),
  });
  if (options.preparedReads) enablePreparedReads(orm.config);
  return orm;
}

/**
 * Applies pending migrations; returns the names applied (empty when the database was up to date). Refuses a
 * database holding migrations this code does not know ({@link SchemaTooNewError}) before applying any. Takes no lock:
 * processes sharing a database run it under {@link withMigrationLock} (openDatabase does).
 */
export async function migrateToLatest(orm: MikroORM): Promise<string[]> {
  const migrator = orm.getMigrator();
  assertSchemaIsKnown((await migrator.getExecutedMigrations()).map((migration) => migration.name));
  const applied = await migrator.up();
  return applied.map((m) => m.name);
}
