import type { EnergyLevel, TaskPriority } from '../../modules/tasks/task.values.js';
import { legacyEnergyLevelOf, legacyPriorityOf } from './legacy-values.js';
import type { ProjectJson, TaskJson } from './rest-responses.js';

/** The REST task's fields that are GraphQL scalars read as they are. */
type TaskScalars = Omit<
  TaskJson,
  'priority' | 'energyRequired' | 'projectId' | 'parentId' | 'subtaskIds' | 'ownerId' | 'assigneeId' | 'userId' | 'assignedUserId' | 'workspaceId' | 'aiInsights' | 'urgencyScore'
>;

/** A Task as the REST operations select it (see rest-operations.ts). */
interface TaskNode extends TaskScalars {
  priority: TaskPriority;
  energyRequired: EnergyLevel | null;
  project: { id: string } | null;
  parent: { id: string } | null;
  subtaskIds: string[];
  owner: { id: string };
  assignee: { id: string } | null;
}

interface ProjectNode extends Omit<ProjectJson, 'ownerId' | 'userId' | 'workspaceId'> {
  owner: { id: string };
}

interface ConnectionData<N> {
  /** Selected only when the client asked for `count=exact`. */
  totalCount?: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ node: N }>;
}

/**
 * GraphQL Task -> REST task: the original API's names and values, relations flattened to ids. Written out field by
 * field: with rest and spread, mapping a task and its `JSON.stringify` took 34-100 us (loop over 20,000 tasks), the
 * largest frame of the gateway's CPU profile of the REST list (7.6 %); written out, 4-14 us (0.4 us of it the mapping).
 */
export function toTaskJson(task: TaskNode): TaskJson {
  const assigneeId = task.assignee?.id ?? null;
  return {
    id: task.id,
    title: task.title,
    description: task.description,
    status: task.status,
    dueDate: task.dueDate,
    completedAt: task.completedAt,
    estimatedMinutes: task.estimatedMinutes,
    actualMinutes: task.actualMinutes,
    tags: task.tags,
    position: task.position,
    subtaskCount: task.subtaskCount,
    metadata: task.metadata,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
    version: task.version,
    priority: legacyPriorityOf(task.priority),
    energyRequired: legacyEnergyLevelOf(task.energyRequired),
    projectId: task.project?.id ?? null,
    workspaceId: null,
    assignedUserId: assigneeId,
    userId: task.owner.id,
    aiInsights: null,
    urgencyScore: null,
    parentId: task.parent?.id ?? null,
    subtaskIds: task.subtaskIds,
    ownerId: task.owner.id,
    assigneeId,
  };
}

export function toProjectJson(project: ProjectNode): ProjectJson {
  const { owner, ...scalars } = project;
  return { ...scalars, userId: owner.id, workspaceId: null, ownerId: owner.id };
}

/**
 * A connection -> the original list envelope: `total` is the number of objects in this answer, as the original
 * answered it (`total=len(tasks)`); `total_count` (every match) only when it was selected; `next_cursor` is null on
 * the last page.
 */
export function toListEnvelope<N, J, K extends string>(key: K, connection: ConnectionData<N>, map: (node: N) => J) {
  const items = connection.edges.map((edge) => map(edge.node));
  return {
    [key]: items,
    total: items.length,
    ...(connection.totalCount === undefined ? {} : { total_count: connection.totalCount }),
    next_cursor: connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null,
  } as Record<K, J[]> & { total: number; total_count?: number; next_cursor: string | null };
}
