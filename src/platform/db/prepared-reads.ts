import { LRUCache } from 'lru-cache';
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

/**
 * Names by statement text: a registry, not a cache (a name evicted here would stay prepared on its connections, so
 * the map is capped at MAX_NAMED_STATEMENTS and never forgets one); the generation changes when a server refuses a cached plan, so every text is prepared anew. */
const names = new Map<string, string>();
/** Texts run once and not named yet: a text gets a name on its second run, so one-off shapes do not use up the names. */
const seenOnce = new LRUCache<string, true>({ max: 10 * MAX_NAMED_STATEMENTS });
let generation = 0;

function nameOf(sql: string): string | undefined {
  const name = names.get(sql);
  if (name !== undefined || names.size >= MAX_NAMED_STATEMENTS) return name;
  if (!seenOnce.delete(sql)) {
    seenOnce.set(sql, true);
    return undefined;
  }
  const named = `fk${generation}_${createHash('sha1').update(sql).digest('base64url')}`;
  names.set(sql, named);
  return named;
}

/** Every text is named anew (a server refused a cached plan); statements of the old names stay until their connection ends. */
function startNewGeneration(): void {
  generation += 1;
  names.clear();
  seenOnce.clear();
}

/**
 * Runs a read whose text is the same on every request of its kind (a list page: filters, order and page size in the
 * text, values as parameters) as a named prepared statement, from the second time its text runs, so PostgreSQL parses
 * and plans it once per connection and then, after its five custom plans, reuses a generic plan when that costs no
 * more: the task page's statement took 0.4 ms to plan and 0.2 ms to run, planned anew on every request. Counted by the
 * ORM's query logger like any statement, with the ORM's own error conversion.
 *
 * A schema change under a running process (a migration adding a column to a `select *`) makes the server refuse the
 * cached plan (SQLSTATE 0A000): every text then gets a new name, and the read is run again unnamed, or, inside a
 * transaction (which the refusal aborted), fails like any statement error.
 *
 * Values go to PostgreSQL as parameters, not written into the text as `em.execute` does: a query with an array value
 * (which `em.execute` writes out as a comma list) runs through `em.execute`, as does everything without
 * {@link enablePreparedReads} for the ORM.
 */
export async function executePrepared<T extends object>(em: EntityManager, query: Knex.QueryBuilder): Promise<T[]> {
  if (!enabledFor.has(em.config)) return em.execute<T[]>(query);
  const { sql, bindings } = query.toSQL();
  if (bindings.some((value) => Array.isArray(value))) return em.execute<T[]>(query);
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
    if (isRefusedCachedPlan(error)) {
      if (names.get(sql) === name) startNewGeneration();
      if (!transaction) return em.execute<T[]>(query);
    }
    throw em.getDriver().convertException(error as Error);
  }
}

/**
 * PostgreSQL's "cached plan must not change result type" (feature_not_supported, raised by RevalidateCachedQuery after
 * a schema change); told by the routine, as the message follows the server's language.
 */
function isRefusedCachedPlan(error: unknown): boolean {
  const { code, routine, message } = (error ?? {}) as { code?: string; routine?: string; message?: string };
  return code === '0A000' && (routine === 'RevalidateCachedQuery' || /cached plan must not change result type/.test(message ?? ''));
}
