import { timestampFromRow } from '../../platform/db/row-values.js';
import type { Task } from './task.entity.js';
import { priorityFromRank } from './task.values.js';

/** A task as read from its row: the entity's fields and `createdSeq`, its place in insertion order (a bigint, as text). */
export type TaskRow = Task & { createdSeq: string };

/**
 * A task row as a plain read model. Reads that only feed GraphQL need none of the unit of work's tracking, whose
 * hydration cost more than the rest of a 20-task page; writes still load tracked entities (`em.findOne`).
 */
export function taskFromRow(r: Record<string, any>): TaskRow {
  return {
    id: r.id,
    orgId: r.org_id,
    title: r.title,
    titleKey: r.title_key,
    description: r.description,
    status: r.status,
    priority: priorityFromRank(Number(r.priority)),
    dueDate: timestampFromRow(r.due_date),
    completedAt: timestampFromRow(r.completed_at),
    estimatedMinutes: r.estimated_minutes,
    actualMinutes: r.actual_minutes,
    energyRequired: r.energy_required,
    tags: r.tags,
    position: r.position,
    projectId: r.project_id,
    parentId: r.parent_id,
    ownerId: r.owner_id,
    assigneeId: r.assignee_id,
    metadata: r.metadata,
    createdAt: timestampFromRow(r.created_at),
    updatedAt: timestampFromRow(r.updated_at),
    version: r.version,
    createdSeq: String(r.created_seq),
  } as TaskRow;
}
