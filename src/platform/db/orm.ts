import { MikroORM, type Logger, type LoggerNamespace, type LogContext } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { TaskSchema } from '../../modules/tasks/task.entity.js';
import { ProjectSchema } from '../../modules/projects/project.entity.js';
import { migrationsList } from './migrations/index.js';

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
  return MikroORM.init({
    clientUrl: options.clientUrl,
    entities: [TaskSchema, ProjectSchema],
    extensions: [Migrator],
    migrations: { tableName: 'planning_migrations', migrationsList, transactional: true, allOrNothing: true },
    pool: { min: 0, max: options.poolMax },
    forceUtcTimezone: true,
    allowGlobalContext: false,
    discovery: { warnWhenNoEntities: false },
    debug: options.queryCounter ? ['query'] : false,
    ...(options.queryCounter ? { loggerFactory: () => countingLogger(options.queryCounter!) } : {}),
  });
}

/** Applies pending migrations; returns the names applied (empty when the database was up to date). */
export async function migrateToLatest(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
