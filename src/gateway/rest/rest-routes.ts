import type { z } from 'zod';
import type { RestEntity } from './rest-errors.js';
import { toListEnvelope, toProjectJson, toTaskJson } from './rest-mappers.js';
import type { RestOperationName } from './rest-operations.js';
import { REST_EXAMPLES, type RestExamples } from './rest-examples.js';
import { SHADOW_REST_ROUTES } from './shadow/shadow-rest-routes.js';
import { FLOW_MEMORY_REST_ROUTES } from './flow-memory/flow-memory-rest-routes.js';
import { deleteProjectResponse, deleteTaskResponse, projectListResponse, projectResponse, taskListResponse, taskResponse } from './rest-responses.js';
import {
  completeTaskBody,
  createProjectBody,
  createTaskBody,
  idPath,
  listProjectsQuery,
  listTasksQuery,
  updateProjectBody,
  updateTaskBody,
} from './rest-schemas.js';

/** What a route's handler gets after validation. */
export interface RouteInput {
  params: any;
  query: any;
  body: any;
  expectedVersion?: number;
  idempotencyKey?: string;
}

/** One REST route: its declared request schemas (validation + OpenAPI), its GraphQL operation and its mapping. */
export interface RestRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Below the base path, OpenAPI style: `/tasks/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  entity: RestEntity;
  operation: RestOperationName;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The body may be left out (empty). */
  bodyOptional?: boolean;
  /** `If-Match: <version>` maps to `expectedVersion`. */
  ifMatch?: boolean;
  /** `Idempotency-Key` maps to `idempotencyKey`. */
  idempotencyKey?: boolean;
  status: 200 | 201;
  response: z.ZodType;
  /** Example request and answer bodies for the OpenAPI document (the original API's own, where it had the route). */
  examples: RestExamples;
  /** Error statuses this route can answer besides those every route has (401, 422, 429, 503). */
  errors: number[];
  /** The route's group in the OpenAPI document (default: `tasks` or `projects` by entity). */
  tag?: string;
  /** Where a field the subgraph refused sits in this route's request, when not where {@link locOfField} puts it. */
  locOf?: (field: string) => Array<string | number> | undefined;
  variables(input: RouteInput): Record<string, unknown>;
  /** The answer's body and, for single objects, the version for `ETag`; null when the object does not exist. */
  result(data: any, input: RouteInput): { body: unknown; version?: number } | null;
}

/** Body -> GraphQL input: dates as ISO strings, left-out fields dropped. */
const graphqlInput = (body: unknown) => JSON.parse(JSON.stringify(body ?? {})) as Record<string, unknown>;
const single = <T extends { version: number }>(object: T | null | undefined) => (object ? { body: object, version: object.version } : null);

/** The route table of `/api/planning` (CONTRACTS.md, "REST shim"). */
export const REST_ROUTES: RestRoute[] = [
  {
    method: 'GET',
    path: '/tasks',
    operationId: 'listTasks',
    summary: 'List tasks (newest first)',
    description:
      '`total` is the number of tasks in this answer, as the original API answered; `?count=exact` adds `total_count`, every task matching the filter. `next_cursor` is null on the last page.',
    entity: 'Task',
    operation: 'RestListTasks',
    query: listTasksQuery,
    status: 200,
    response: taskListResponse,
    examples: REST_EXAMPLES.listTasks,
    errors: [],
    variables: ({ query }) => ({
      filter: graphqlInput({ status: query.status, priority: query.priority, projectId: query.projectId, tag: query.tag }),
      first: query.limit,
      after: query.cursor,
      withTotalCount: query.count === 'exact',
    }),
    result: (data) => ({ body: toListEnvelope('tasks', data.tasks, toTaskJson) }),
  },
  {
    method: 'POST',
    path: '/tasks',
    operationId: 'createTask',
    summary: 'Create a task',
    description:
      'Answers 200, as the original API did (projects answer 201). With `Idempotency-Key`, a repeat of the same key by the same caller within 24 h returns the first task and writes nothing.',
    entity: 'Task',
    operation: 'RestCreateTask',
    body: createTaskBody,
    idempotencyKey: true,
    status: 200,
    response: taskResponse,
    examples: REST_EXAMPLES.createTask,
    errors: [400, 403, 413, 415],
    variables: ({ body, idempotencyKey }) => ({ input: graphqlInput(body), idempotencyKey }),
    result: (data) => single(toTaskJson(data.createTask)),
  },
  {
    method: 'GET',
    path: '/tasks/{id}',
    operationId: 'getTask',
    summary: 'Read a task',
    entity: 'Task',
    operation: 'RestGetTask',
    params: idPath,
    status: 200,
    response: taskResponse,
    examples: REST_EXAMPLES.getTask,
    errors: [404],
    variables: ({ params }) => ({ id: params.id }),
    result: (data) => single(data.task && toTaskJson(data.task)),
  },
  {
    method: 'PATCH',
    path: '/tasks/{id}',
    operationId: 'updateTask',
    summary: 'Change a task',
    description: 'With `If-Match: <version>` (the `ETag` of the last read), a task changed since answers 412 and stays as it is.',
    entity: 'Task',
    operation: 'RestUpdateTask',
    params: idPath,
    body: updateTaskBody,
    ifMatch: true,
    status: 200,
    response: taskResponse,
    examples: REST_EXAMPLES.updateTask,
    errors: [400, 403, 404, 409, 412, 413, 415],
    variables: ({ params, body, expectedVersion }) => ({ id: params.id, input: graphqlInput(body), expectedVersion }),
    result: (data) => single(toTaskJson(data.updateTask)),
  },
  {
    method: 'POST',
    path: '/tasks/{id}/complete',
    operationId: 'completeTask',
    summary: 'Complete a task',
    description: 'The body is optional. `If-Match` works as for PATCH.',
    entity: 'Task',
    operation: 'RestCompleteTask',
    params: idPath,
    body: completeTaskBody,
    bodyOptional: true,
    ifMatch: true,
    status: 200,
    response: taskResponse,
    examples: REST_EXAMPLES.completeTask,
    errors: [400, 403, 404, 409, 412, 413, 415],
    variables: ({ params, body, expectedVersion }) => ({ id: params.id, actualMinutes: body?.actualMinutes, expectedVersion }),
    result: (data) => single(toTaskJson(data.completeTask)),
  },
  {
    method: 'DELETE',
    path: '/tasks/{id}',
    operationId: 'deleteTask',
    summary: 'Delete a task (and its subtasks)',
    entity: 'Task',
    operation: 'RestDeleteTask',
    params: idPath,
    status: 200,
    response: deleteTaskResponse,
    examples: REST_EXAMPLES.deleteTask,
    errors: [403, 404],
    variables: ({ params }) => ({ id: params.id }),
    result: () => ({ body: { success: true } }),
  },
  {
    method: 'GET',
    path: '/projects',
    operationId: 'listProjects',
    summary: 'List projects (newest first)',
    description:
      '`total` is the number of projects in this answer, as the original API answered; `?count=exact` adds `total_count`, every project matching the filter. `next_cursor` is null on the last page.',
    entity: 'Project',
    operation: 'RestListProjects',
    query: listProjectsQuery,
    status: 200,
    response: projectListResponse,
    examples: REST_EXAMPLES.listProjects,
    errors: [],
    variables: ({ query }) => ({
      filter: graphqlInput({ status: query.status }),
      first: query.limit,
      after: query.cursor,
      withTotalCount: query.count === 'exact',
    }),
    result: (data) => ({ body: toListEnvelope('projects', data.projects, toProjectJson) }),
  },
  {
    method: 'POST',
    path: '/projects',
    operationId: 'createProject',
    summary: 'Create a project',
    description: 'With `Idempotency-Key`, a repeat of the same key by the same caller within 24 h returns the first project.',
    entity: 'Project',
    operation: 'RestCreateProject',
    body: createProjectBody,
    idempotencyKey: true,
    status: 201,
    response: projectResponse,
    examples: REST_EXAMPLES.createProject,
    errors: [400, 403, 413, 415],
    variables: ({ body, idempotencyKey }) => ({ input: graphqlInput(body), idempotencyKey }),
    result: (data) => single(toProjectJson(data.createProject)),
  },
  {
    method: 'GET',
    path: '/projects/{id}',
    operationId: 'getProject',
    summary: 'Read a project',
    entity: 'Project',
    operation: 'RestGetProject',
    params: idPath,
    status: 200,
    response: projectResponse,
    examples: REST_EXAMPLES.getProject,
    errors: [404],
    variables: ({ params }) => ({ id: params.id }),
    result: (data) => single(data.project && toProjectJson(data.project)),
  },
  {
    method: 'PATCH',
    path: '/projects/{id}',
    operationId: 'updateProject',
    summary: 'Change a project',
    description: 'With `If-Match: <version>`, a project changed since answers 412 and stays as it is.',
    entity: 'Project',
    operation: 'RestUpdateProject',
    params: idPath,
    body: updateProjectBody,
    ifMatch: true,
    status: 200,
    response: projectResponse,
    examples: REST_EXAMPLES.updateProject,
    errors: [400, 403, 404, 409, 412, 413, 415],
    variables: ({ params, body, expectedVersion }) => ({ id: params.id, input: graphqlInput(body), expectedVersion }),
    result: (data) => single(toProjectJson(data.updateProject)),
  },
  {
    method: 'DELETE',
    path: '/projects/{id}',
    operationId: 'deleteProject',
    summary: 'Delete a project (admins only; its tasks are kept without a project)',
    entity: 'Project',
    operation: 'RestDeleteProject',
    params: idPath,
    status: 200,
    response: deleteProjectResponse,
    examples: REST_EXAMPLES.deleteProject,
    errors: [403, 404],
    variables: ({ params }) => ({ id: params.id }),
    result: (data) => ({ body: { success: true, deletedId: data.deleteProject.deletedId } }),
  },
  ...SHADOW_REST_ROUTES,
  ...FLOW_MEMORY_REST_ROUTES,
];
