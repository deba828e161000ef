import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { TaskRepository } from './task.repository.js';

/**
 * Row locks that keep writes racing a delete exact. A create locks the parent and project it names `FOR KEY SHARE`
 * (after its position locks, the order every writer takes them in); a delete locks the task's tree `FOR UPDATE`.
 * The two conflict, so one waits for the other: a create never meets the foreign key's violation, and a delete
 * never takes a subtask with it that has no deleted event.
 */

/**
 * Which (org, id) pairs have a row in `table`, each row locked `FOR KEY SHARE` until the transaction ends: it cannot
 * be deleted before the rows about to reference it commit, and one deleted meanwhile is not returned (the lock waits
 * for the deleting transaction). Answers each found row's `project_id` (tasks) or null (projects), keyed as
 * {@link referenceKey} makes them.
 */
export async function lockExistingForReference(
  em: SqlEntityManager,
  table: 'planning_tasks' | 'planning_projects',
  pairs: ReadonlyArray<readonly [orgId: string, id: string]>,
): Promise<Map<string, string | null>> {
  if (pairs.length === 0) return new Map();
  const columns = table === 'planning_tasks' ? ['org_id', 'id', 'project_id'] : ['org_id', 'id'];
  const rows = await em.execute<Array<{ org_id: string; id: string; project_id?: string | null }>>(
    em
      .getKnex()(table)
      .select(columns)
      .whereIn(['org_id', 'id'], pairs.map(([orgId, id]) => [orgId, id]))
      .orderBy(['org_id', 'id'])
      .forKeyShare(),
  );
  return new Map(rows.map((row) => [referenceKey(row.org_id, row.id), row.project_id ?? null]));
}

/** One string per (org, id) pair. */
export const referenceKey = (orgId: string, id: string) => `${orgId}\u0000${id}`;

/**
 * Locks the task and all its descendants `FOR UPDATE` and returns their ids, the task first and then by depth, or []
 * when the task is not in the org. Subtasks created concurrently are caught: a create holds its parent `FOR KEY
 * SHARE`, so each round waits for the creates in flight under the rows it locks and the next round sees their rows;
 * it ends when a round finds no new descendant.
 */
export async function lockTaskTree(em: SqlEntityManager, repository: TaskRepository, orgId: string, taskId: string): Promise<string[]> {
  const locked = new Set<string>();
  for (;;) {
    const tree = await repository.findSelfAndDescendantIds(orgId, taskId);
    const fresh = tree.filter((id) => !locked.has(id));
    if (fresh.length === 0) return tree;
    // In id order, as a create's check takes its rows, so the two cannot each hold a row the other waits for.
    const found = await em.execute<Array<{ id: string }>>(em.getKnex()('planning_tasks').select('id').where('org_id', orgId).whereIn('id', fresh).orderBy('id').forUpdate());
    if (found.length === 0 && locked.size === 0) return [];
    // A row of the tree deleted meanwhile is not locked; the next round no longer finds it, so it counts as done.
    for (const id of fresh) locked.add(id);
  }
}
