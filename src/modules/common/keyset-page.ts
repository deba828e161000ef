import type { Knex, SqlEntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError } from '../../platform/errors/planning-error.js';
import { executePrepared } from '../../platform/db/prepared-reads.js';
import type { Connection } from './connection.js';
import type { CursorCodec, CursorPayload } from './cursor.js';
import type { PageRequest } from './page-args.js';

/** One column of a sort order: an SQL expression and how to read its value from a row. */
export interface SortColumn<Row> {
  /** SQL expression over the table's columns; must be the expression an index orders by. */
  expression: string;
  /** SQL type of the cursor value, used to cast the bound parameter. */
  sqlType: 'timestamptz' | 'integer' | 'bigint' | 'text';
  valueOf(row: Row): string | number;
  /**
   * Ascending whichever way the list is sorted (a tie-break that reads the same both ways, such as the input order
   * of tasks created together); by default a column follows the list's direction.
   */
  alwaysAscending?: boolean;
}

/** One sort order of a list: its columns, compared in turn, then `id` (the way the last column goes) as the last tie-break. */
export interface SortKey<Row> {
  columns: ReadonlyArray<SortColumn<Row>>;
  direction: 'ASC' | 'DESC';
}

export interface KeysetPageOptions<Row extends { id: string }> {
  em: SqlEntityManager;
  /** The filtered query (org scoping and filter applied), without order or limit. */
  filtered: () => Knex.QueryBuilder;
  sort: SortKey<Row>;
  page: PageRequest;
  codec: CursorCodec;
  fingerprint: string;
  toRow: (raw: Record<string, unknown>) => Row;
  /**
   * Wraps the page's statement (ordered and limited) in an outer one that adds columns per row, such as related
   * rows the response will ask for: the outer statement must keep the page's rows and order them by `orderBy`.
   */
  around?: (page: Knex.QueryBuilder, orderBy: string) => Knex.QueryBuilder;
  /** How `totalCount` is answered, when not by counting the filtered rows (an exact count kept elsewhere). */
  count?: () => Promise<number>;
}

/**
 * Reads one page by keyset (`(sortExpr, id) > (cursorValue, cursorId)`; run by run when the columns go different
 * ways), never by OFFSET, so pages stay stable under inserts and cost the same deep in a list as at its head. One
 * statement for the page; `totalCount` is a second one, only when asked for. Both run as prepared statements where the ORM allows it ({@link executePrepared}).
 */
export async function fetchKeysetPage<Row extends { id: string }>(options: KeysetPageOptions<Row>): Promise<Connection<Row>> {
  const { em, sort, page, codec, fingerprint } = options;
  const forward = page.direction === 'forward';
  // Reading backward walks the index in the opposite direction, then the page is reversed.
  const ascending = (sort.direction === 'ASC') === forward;

  const query = options.filtered().select('*');
  if (page.cursor !== undefined) {
    const position = codec.decode(page.cursor, fingerprint, page.cursorArgument);
    const after = pastCursor(sort, ascending, cursorValues(sort, position, page.cursorArgument), position.id);
    query.whereRaw(after.sql, after.bindings);
  }
  const orderBy = orderByOf(sort, ascending);
  // The page size is part of the statement's text, not a parameter: prepared, a page's statement gets a generic plan
  // made for its size (a parameter limit keeps PostgreSQL planning every execution).
  if (!Number.isSafeInteger(page.size) || page.size < 1) throw new Error(`A page size must be a positive integer, got ${page.size}`);
  query.orderByRaw(orderBy).limit(page.size + 1, { skipBinding: true });

  const raws = await executePrepared<Record<string, unknown>>(em, options.around ? options.around(query, orderBy) : query);
  const hasMore = raws.length > page.size;
  const rows = raws.slice(0, page.size).map(options.toRow);
  if (!forward) rows.reverse();

  const edges = lazyEdges(rows, (node) => cursorOf(codec, sort, node, fingerprint));
  return {
    edges,
    pageInfo: lazyPageInfo(edges, { hasNextPage: forward ? hasMore : page.cursor !== undefined, hasPreviousPage: forward ? page.cursor !== undefined : hasMore }),
    totalCount: memoize(
      options.count ??
        (async () => {
          const [result] = await executePrepared<{ count: string }>(em, options.filtered().count({ count: '*' }));
          return Number(result?.count ?? 0);
        }),
    ),
  };
}

/**
 * Which way a scan goes on each column, `id` last (the way of the column before it). `ascending`: whether the scan
 * reads the list's direction as ascending (an ASC list read forward, a DESC list read backward).
 */
function scanColumns<Row>(sort: SortKey<Row>, ascending: boolean) {
  const forward = ascending === (sort.direction === 'ASC');
  const columns = sort.columns.map((c) => ({ expression: c.expression, sqlType: c.sqlType as string, ascending: c.alwaysAscending ? forward : ascending }));
  return [...columns, { expression: 'id', sqlType: 'uuid', ascending: columns.at(-1)?.ascending ?? ascending }];
}

/** The ORDER BY of a scan of the list (`ascending` as for {@link scanColumns}). */
export function orderByOf<Row>(sort: SortKey<Row>, ascending: boolean): string {
  return scanColumns(sort, ascending)
    .map((c) => `${c.expression} ${c.ascending ? 'asc' : 'desc'}`)
    .join(', ');
}

/**
 * "Comes after the cursor's row in this scan": one row comparison per run of columns going the same way, e.g. for
 * CREATED_AT DESC `created_at <= :t and ((created_at) < (:t) or (created_at) = (:t) and ((created_seq, id) > (:seq, :id)))`;
 * the leading bound on the first column lets an index range scan start at the cursor. With one run (every order whose
 * columns all go one way) it is the plain `(expr, id) > (:value, :id)`.
 */
function pastCursor<Row>(sort: SortKey<Row>, ascending: boolean, values: ReadonlyArray<string | number>, id: string) {
  const columns = scanColumns(sort, ascending).map((c, i) => ({ ...c, value: i < values.length ? values[i]! : id }));
  const runs: Array<typeof columns> = [];
  for (const column of columns) {
    const run = runs.at(-1);
    if (run && run[0]!.ascending === column.ascending) run.push(column);
    else runs.push([column]);
  }
  let sql = '';
  let bindings: Array<string | number> = [];
  for (const run of runs.reverse()) {
    const left = `(${run.map((c) => c.expression).join(', ')})`;
    const right = `(${run.map((c) => `?::${c.sqlType}`).join(', ')})`;
    const values = run.map((c) => c.value);
    const past = `${left} ${run[0]!.ascending ? '>' : '<'} ${right}`;
    [sql, bindings] = sql ? [`${past} or ${left} = ${right} and (${sql})`, [...values, ...values, ...bindings]] : [past, values];
  }
  if (runs.length === 1) return { sql, bindings };
  const first = columns[0]!;
  return { sql: `${first.expression} ${first.ascending ? '>=' : '<='} ?::${first.sqlType} and (${sql})`, bindings: [first.value, ...bindings] };
}

/** The cursor of a row: its values of the sort's columns (`k`: one value, or an array of them for several), its id. */
export function cursorOf<Row extends { id: string }>(codec: CursorCodec, sort: SortKey<Row>, row: Row, fingerprint: string): string {
  const values = sort.columns.map((c) => c.valueOf(row));
  return codec.encode({ k: values.length === 1 ? values[0]! : values, id: row.id, f: fingerprint });
}

/** The cursor's sort values, one per column; a cursor of another shape (made before the order changed) is refused. */
function cursorValues<Row>(sort: SortKey<Row>, position: CursorPayload, argument: string): Array<string | number> {
  const values = sort.columns.length === 1 ? [position.k] : position.k;
  const valid = Array.isArray(values) && values.length === sort.columns.length && values.every((v) => typeof v === 'string' || typeof v === 'number');
  if (!valid || typeof position.id !== 'string') throw BadUserInputError.of(argument, 'is not a valid cursor for this list');
  return values as Array<string | number>;
}

/**
 * The edges of a page whose cursors are made only when a query asks for them, once each: a cursor is signed (an
 * HMAC), and most list queries never read one.
 */
export function lazyEdges<Row>(rows: Row[], cursorOf: (node: Row) => string): Array<{ node: Row; readonly cursor: string }> {
  return rows.map((node) => {
    let cursor: string | undefined;
    return {
      node,
      get cursor() {
        return (cursor ??= cursorOf(node));
      },
    };
  });
}

/** A page's `pageInfo`, its start and end cursors read from the (lazy) edges. */
export function lazyPageInfo(edges: Array<{ readonly cursor: string }>, flags: { hasNextPage: boolean; hasPreviousPage: boolean }) {
  return {
    ...flags,
    get startCursor() {
      return edges[0]?.cursor ?? null;
    },
    get endCursor() {
      return edges.at(-1)?.cursor ?? null;
    },
  };
}

function memoize<T>(fn: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= fn());
}
