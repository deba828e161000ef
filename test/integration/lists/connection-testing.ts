import { expect } from 'vitest';
import { readingOrderKey } from '../../../src/platform/text/reading-order.js';
import type { GraphQLResult, TestCaller, TestPlanningApp } from '../../testkit/planning-app.js';

/** Shared by the list, project, tenancy and federation suites: reading task connections and checking errors. */

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface ListedTask {
  id: string;
  title: string;
  status: string;
  priority: 'LOW' | 'MEDIUM' | 'HIGH' | 'URGENT';
  dueDate: string | null;
  position: number;
  createdAt: string;
  updatedAt: string;
}

export interface TaskPage {
  edges: Array<{ cursor: string; node: ListedTask }>;
  pageInfo: PageInfo;
  totalCount: number;
}

export const LISTED_TASK_FIELDS = 'id title status priority dueDate position createdAt updatedAt';

export const TASKS_QUERY = `
  query($filter: TaskFilter, $orderBy: TaskOrder, $first: Int, $after: String, $last: Int, $before: String) {
    tasks(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
      edges { cursor node { ${LISTED_TASK_FIELDS} } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      totalCount
    }
  }`;

export interface ListArgs {
  filter?: Record<string, unknown>;
  orderBy?: { field: string; direction?: 'ASC' | 'DESC' };
  first?: number;
  after?: string;
  last?: number;
  before?: string;
}

export async function listTasks(app: TestPlanningApp, caller: TestCaller, args: ListArgs = {}): Promise<TaskPage> {
  return (await app.ok<{ tasks: TaskPage }>(caller, TASKS_QUERY, { ...args })).tasks;
}

export const idsOf = (page: { edges: Array<{ node: { id: string } }> }) => page.edges.map((e) => e.node.id);

/** Walks a list forward with `first`/`after` until hasNextPage is false; returns every page in order. */
export async function walkForward(app: TestPlanningApp, caller: TestCaller, args: ListArgs, size: number): Promise<TaskPage[]> {
  const pages: TaskPage[] = [];
  let after: string | undefined;
  for (let guard = 0; guard < 200; guard++) {
    const page = await listTasks(app, caller, { ...args, first: size, after });
    pages.push(page);
    if (!page.pageInfo.hasNextPage) return pages;
    after = page.pageInfo.endCursor ?? undefined;
  }
  throw new Error('walkForward: the list never ended');
}

/** Walks a list backward with `last`/`before` until hasPreviousPage is false; returns pages last-first. */
export async function walkBackward(app: TestPlanningApp, caller: TestCaller, args: ListArgs, size: number): Promise<TaskPage[]> {
  const pages: TaskPage[] = [];
  let before: string | undefined;
  for (let guard = 0; guard < 200; guard++) {
    const page = await listTasks(app, caller, { ...args, last: size, before });
    pages.push(page);
    if (!page.pageInfo.hasPreviousPage) return pages;
    before = page.pageInfo.startCursor ?? undefined;
  }
  throw new Error('walkBackward: the list never started');
}

const PRIORITY_RANK = { LOW: 1, MEDIUM: 2, HIGH: 3, URGENT: 4 } as const;

/** Code point order (PostgreSQL's "C" collation): UTF-8 byte order. */
export const compareCodePoints = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** `listed` put in the order of `createdIds` (the order the tasks were created in, for {@link sortTasks}). */
export function inCreationOrder<T extends { id: string }>(listed: T[], createdIds: readonly string[]): T[] {
  const byId = new Map(listed.map((t) => [t.id, t]));
  expect(createdIds.length).toBe(listed.length);
  return createdIds.map((id) => byId.get(id)!);
}

/**
 * The order the API promises, computed here from the tasks' own field values. `tasks` must be in the order they were
 * created: tasks created at the same instant (one bulk batch) keep it in both directions of CREATED_AT. TITLE compares
 * the titles case- and accent-blind first (readingOrderKey), then as they are (code points); other ties break on id.
 */
export function sortTasks<T extends ListedTask>(tasks: T[], field: string, direction: 'ASC' | 'DESC'): T[] {
  const keysOf = (t: T): Array<number | string> => {
    switch (field) {
      case 'CREATED_AT':
        return [Date.parse(t.createdAt)];
      case 'UPDATED_AT':
        return [Date.parse(t.updatedAt)];
      case 'DUE_DATE':
        return [t.dueDate === null ? Number.POSITIVE_INFINITY : Date.parse(t.dueDate)];
      case 'PRIORITY':
        return [PRIORITY_RANK[t.priority]];
      case 'POSITION':
        return [t.position];
      case 'TITLE':
        return [readingOrderKey(t.title), t.title];
      default:
        throw new Error(`unknown order field ${field}`);
    }
  };
  const compare = (a: number | string, b: number | string) =>
    typeof a === 'string' && typeof b === 'string' ? compareCodePoints(a, b) : a < b ? -1 : a > b ? 1 : 0;
  const sign = direction === 'ASC' ? 1 : -1;
  const created = new Map(tasks.map((t, i) => [t.id, i]));
  return [...tasks].sort((a, b) => {
    const [ka, kb] = [keysOf(a), keysOf(b)];
    for (let i = 0; i < ka.length; i++) {
      const byKey = compare(ka[i]!, kb[i]!);
      if (byKey !== 0) return sign * byKey;
    }
    if (field === 'CREATED_AT') return created.get(a.id)! - created.get(b.id)!;
    return sign * compareCodePoints(a.id, b.id);
  });
}

/** The single error of a failed request, asserted to carry `code`. */
export function expectError(result: GraphQLResult, code: string) {
  expect(result.errors, `expected a ${code} error, got data ${JSON.stringify(result.data)}`).toBeDefined();
  expect(result.errors!.map((e) => e.extensions?.code)).toEqual([code]);
  return result.errors![0]!;
}

/** A BAD_USER_INPUT error naming exactly these fields (order-insensitive). */
export function expectBadInput(result: GraphQLResult, fields: string[]) {
  const error = expectError(result, 'BAD_USER_INPUT');
  expect([...(error.extensions?.fields ?? [])].sort()).toEqual([...fields].sort());
  return error;
}

/** An error with the id replaced, so the error for one id can be compared with the error for another. */
export function errorShape(result: GraphQLResult, id: string) {
  expect(result.errors, `expected an error, got data ${JSON.stringify(result.data)}`).toHaveLength(1);
  const [error] = result.errors!;
  const ext = { ...(error!.extensions ?? {}) };
  delete ext.stacktrace;
  return {
    status: result.status,
    data: result.data ?? null,
    message: error!.message.split(id).join('<id>'),
    path: error!.path,
    extensions: JSON.parse(JSON.stringify(ext).split(id).join('<id>')),
  };
}
