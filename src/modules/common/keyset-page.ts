import type { Knex, SqlEntityManager } from '@mikro-orm/postgresql';
import { executePrepared } from '../../platform/db/prepared-reads.js';
import type { Connection } from './connection.js';
import type { CursorCodec } from './cursor.js';
import type { PageRequest } from './page-args.js';

/** One sort order of a list: an SQL expression (with `id` as tie-breaker) and how to read its value from a row. */
export interface SortKey<Row> {
  /** SQL expression over the table's columns; must be the expression an index orders by. */
  expression: string;
  /** SQL type of the cursor value, used to cast the bound parameter. */
  sqlType: 'timestamptz' | 'integer' | 'text';
  direction: 'ASC' | 'DESC';
  valueOf(row: Row): string | number;
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
}

/**
 * Reads one page by keyset (`(sortExpr, id) > (cursorValue, cursorId)`), never by OFFSET, so pages stay stable
 * under inserts and cost the same deep in a list as at its head. One statement for the page; `totalCount` is a
 * second one, only when asked for. Both run as prepared statements where the ORM allows it ({@link executePrepared}).
 */
export async function fetchKeysetPage<Row extends { id: string }>(options: KeysetPageOptions<Row>): Promise<Connection<Row>> {
  const { em, sort, page, codec, fingerprint } = options;
  const forward = page.direction === 'forward';
  // Reading backward walks the index in the opposite direction, then the page is reversed.
  const ascending = (sort.direction === 'ASC') === forward;
  const dir = ascending ? 'asc' : 'desc';

  const query = options.filtered().select('*');
  if (page.cursor !== undefined) {
    const position = codec.decode(page.cursor, fingerprint, page.cursorArgument);
    query.whereRaw(`(${sort.expression}, id) ${ascending ? '>' : '<'} (?::${sort.sqlType}, ?::uuid)`, [position.k, position.id]);
  }
  const orderBy = `${sort.expression} ${dir}, id ${dir}`;
  // The page size is part of the statement's text, not a parameter: prepared, a page's statement gets a generic plan
  // made for its size (a parameter limit keeps PostgreSQL planning every execution).
  if (!Number.isSafeInteger(page.size) || page.size < 1) throw new Error(`A page size must be a positive integer, got ${page.size}`);
  query.orderByRaw(orderBy).limit(page.size + 1, { skipBinding: true });

  const raws = await executePrepared<Record<string, unknown>>(em, options.around ? options.around(query, orderBy) : query);
  const hasMore = raws.length > page.size;
  const rows = raws.slice(0, page.size).map(options.toRow);
  if (!forward) rows.reverse();

  const edges = lazyEdges(rows, (node) => codec.encode({ k: sort.valueOf(node), id: node.id, f: fingerprint }));
  return {
    edges,
    pageInfo: lazyPageInfo(edges, { hasNextPage: forward ? hasMore : page.cursor !== undefined, hasPreviousPage: forward ? page.cursor !== undefined : hasMore }),
    totalCount: memoize(async () => {
      const [result] = await executePrepared<{ count: string }>(em, options.filtered().count({ count: '*' }));
      return Number(result?.count ?? 0);
    }),
  };
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
