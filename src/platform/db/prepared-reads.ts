import { createHash } from 'node:crypto';
import type { Configuration } from '@mikro-orm/core';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';

/** Statement texts given a name, at most; past this a new text runs unnamed (planned on every execution). */
export const MAX_NAMED_STATEMENTS = 500;

/** ORMs (by their configuration, shared by every fork) whose hot reads run as named prepared statements. */
const enabledFor = new WeakSet<Configuration>();

/**
 * Lets `executePrepared` name statements on this ORM's connections. Only for a PostgreSQL server of its own: not for
 * the embedded PGlite (one session shared by every pool connection, where a reconnected client would prepare a name
 * the session already has), nor behind a pooler in transaction mode.
 */
export function enablePreparedReads(config: Configuration): void {
  enabledFor.add(config);
}

/** Names by statement text; the generation changes when a server refuses a cached plan, so every text is prepared anew. */
const names = new Map<string, string>();
let generation = 0;

function nameOf(sql: string): string | undefined {
  let name = names.get(sql);
  if (name === undefined && names.size < MAX_NAMED_STATEMENTS) {
    name = `fk${generation}_${createHash('sha1').update(sql).digest('base64url')}`;
    names.set(sql, name);
  }
  return name;
}

/**
 * Runs a read whose text is the same on every request of its kind (a list page: filters, order and page size in the
 * text, values as parameters) as a named prepared statement, so PostgreSQL parses and plans it once per connection and
 * then, after its five custom plans, reuses a generic plan when that costs no more: the task page's statement took
 * 0.4 ms to plan and 0.2 ms to run, planned anew on every request. Counted by the ORM's query logger like any
 * statement, with the ORM's own error conversion.
 *
 * A schema change under a running process (a migration adding a column to a `select *`) makes the server refuse the
 * cached plan (SQLSTATE 0A000): the read is then run again unnamed, outside a transaction, and every text gets a new
 * name. Without {@link enablePreparedReads} for the ORM, this is `em.execute`.
 */
export async function executePrepared<T extends object>(em: EntityManager, query: Knex.QueryBuilder): Promise<T[]> {
  if (!enabledFor.has(em.config)) return em.execute<T[]>(query);
  const { sql, bindings } = query.toSQL();
  const name = nameOf(sql);
  if (name === undefined) return em.execute<T[]>(query);
  const connection = em.getConnection();
  const transaction = em.getTransactionContext<Knex.Transaction>();
  const run = async () => {
    const raw = connection.getKnex().raw(sql, bindings as Knex.RawBinding[]).options({ name });
    if (transaction) raw.transacting(transaction);
    const result = (await raw) as { rows: T[] };
    return result.rows;
  };
  try {
    // The logging wrapper of every ORM statement (the tests' statement counter reads it); protected in its typings.
    return await (connection as unknown as { executeQuery<R>(query: string, cb: () => Promise<R>, context?: object): Promise<R> }).executeQuery(sql, run, {
      query: sql,
      params: bindings,
    });
  } catch (error) {
    if (isRefusedCachedPlan(error) && !transaction) {
      if (names.get(sql) === name) {
        generation += 1;
        names.clear();
      }
      return em.execute<T[]>(query);
    }
    throw em.getDriver().convertException(error as Error);
  }
}

/** PostgreSQL's "cached plan must not change result type" (feature_not_supported, after a schema change). */
function isRefusedCachedPlan(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code === '0A000' && /cached plan must not change result type/.test(message ?? '');
}
