import type { ProjectJson, TaskJson } from './rest-schemas.js';

/** A Task as the REST operations select it (see rest-operations.ts). */
interface TaskNode extends Omit<TaskJson, 'projectId' | 'parentId' | 'subtaskIds' | 'ownerId' | 'assigneeId'> {
  project: { id: string } | null;
  parent: { id: string } | null;
  subtasks: Array<{ id: string }>;
  owner: { id: string };
  assignee: { id: string } | null;
}

interface ProjectNode extends Omit<ProjectJson, 'ownerId'> {
  owner: { id: string };
}

interface ConnectionData<N> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ node: N }>;
}

/** GraphQL Task -> REST task: the same fields, relations flattened to ids. */
export function toTaskJson(task: TaskNode): TaskJson {
  const { project, parent, subtasks, owner, assignee, ...scalars } = task;
  return {
    ...scalars,
    projectId: project?.id ?? null,
    parentId: parent?.id ?? null,
    subtaskIds: subtasks.map((s) => s.id),
    ownerId: owner.id,
    assigneeId: assignee?.id ?? null,
  };
}

export function toProjectJson(project: ProjectNode): ProjectJson {
  const { owner, ...scalars } = project;
  return { ...scalars, ownerId: owner.id };
}

/** A connection -> the legacy list envelope: `total` counts the whole filter, `next_cursor` is null on the last page. */
export function toListEnvelope<N, J, K extends string>(key: K, connection: ConnectionData<N>, map: (node: N) => J) {
  return {
    [key]: connection.edges.map((edge) => map(edge.node)),
    total: connection.totalCount,
    next_cursor: connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null,
  } as Record<K, J[]> & { total: number; next_cursor: string | null };
}
