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

/** GraphQL Task -> REST task: the original API's names and values, relations flattened to ids. */
export function toTaskJson(task: TaskNode): TaskJson {
  const { priority, energyRequired, project, parent, subtaskIds, owner, assignee, ...scalars } = task;
  return {
    ...scalars,
    priority: legacyPriorityOf(priority),
    energyRequired: legacyEnergyLevelOf(energyRequired),
    projectId: project?.id ?? null,
    workspaceId: null,
    assignedUserId: assignee?.id ?? null,
    userId: owner.id,
    aiInsights: null,
    urgencyScore: null,
    parentId: parent?.id ?? null,
    subtaskIds,
    ownerId: owner.id,
    assigneeId: assignee?.id ?? null,
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
