import type { SortKey } from '../common/keyset-page.js';
import type { TaskOrder } from './task.inputs.js';
import type { TaskRow } from './task.rows.js';
import { priorityRank } from './task.values.js';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : 'infinity');

/**
 * The columns of each task order, as the indexes order them (migrations), `id` the last tie-break of each.
 *
 * - CREATED_AT: creation time, then `created_seq` (insertion order) ascending in both directions: the tasks of one
 *   `createTasks` (or one inbound event) share a creation time and list in their input order, newest batch first in
 *   DESC (the default), oldest first in ASC.
 * - TITLE: `title_key` (the title's `readingOrderKey`: case and accents set aside), then the title itself code point
 *   by code point (`Apple` before `apple`), both in the `"C"` collation, so PostgreSQL and PGlite agree whatever
 *   their locale.
 */
export const TASK_SORTS: Record<TaskOrder['field'], SortKey<TaskRow>['columns']> = {
  CREATED_AT: [
    { expression: 'created_at', sqlType: 'timestamptz', valueOf: (t) => iso(t.createdAt) },
    { expression: 'created_seq', sqlType: 'bigint', valueOf: (t) => t.createdSeq, alwaysAscending: true },
  ],
  UPDATED_AT: [{ expression: 'updated_at', sqlType: 'timestamptz', valueOf: (t) => iso(t.updatedAt) }],
  DUE_DATE: [{ expression: `coalesce(due_date, 'infinity'::timestamptz)`, sqlType: 'timestamptz', valueOf: (t) => iso(t.dueDate) }],
  PRIORITY: [{ expression: 'priority', sqlType: 'integer', valueOf: (t) => priorityRank(t.priority) }],
  POSITION: [{ expression: 'position', sqlType: 'integer', valueOf: (t) => t.position }],
  // title_key's column collation is "C"; the title's is the database's, hence the explicit one.
  TITLE: [
    { expression: 'title_key', sqlType: 'text', valueOf: (t) => t.titleKey },
    { expression: 'title collate "C"', sqlType: 'text', valueOf: (t) => t.title },
  ],
};

/** The sort key of a task order. */
export const taskSortKey = (order: TaskOrder): SortKey<TaskRow> => ({ columns: TASK_SORTS[order.field], direction: order.direction });
