/**
 * The named GraphQL operations behind the REST shim. Every route runs exactly one of them through the gateway, so
 * REST and GraphQL share one path for authentication, limits, federation and the subgraph's rules. A list selects
 * `totalCount` only for `?count=exact`: counting every match costs a query over the org's rows, which the original
 * API's `total` (the length of the answer) never needed.
 */

/** Every Task field of the planning schema; relations as their ids only (a REST task is flat). */
export const TASK_FIELDS = /* GraphQL */ `
  fragment RestTaskFields on Task {
    id
    title
    description
    status
    priority
    dueDate
    completedAt
    estimatedMinutes
    actualMinutes
    energyRequired
    tags
    position
    project { id }
    parent { id }
    subtaskIds
    subtaskCount
    owner { id }
    assignee { id }
    metadata
    createdAt
    updatedAt
    version
  }
`;

/** Every Project field except the `tasks` connection (GET /tasks?projectId= lists those). */
export const PROJECT_FIELDS = /* GraphQL */ `
  fragment RestProjectFields on Project {
    id
    name
    description
    color
    icon
    status
    taskCount
    completedTaskCount
    owner { id }
    createdAt
    updatedAt
    version
  }
`;

const withTask = (operation: string) => `${operation}\n${TASK_FIELDS}`;
const withProject = (operation: string) => `${operation}\n${PROJECT_FIELDS}`;

import { SHADOW_REST_OPERATIONS } from './shadow/shadow-rest-operations.js';
import { FLOW_MEMORY_REST_OPERATIONS } from './flow-memory/flow-memory-rest-operations.js';

export const REST_OPERATIONS = {
  ...SHADOW_REST_OPERATIONS,
  ...FLOW_MEMORY_REST_OPERATIONS,
  RestListTasks: withTask(`query RestListTasks($filter: TaskFilter, $first: Int, $after: String, $withTotalCount: Boolean! = false) {
  tasks(filter: $filter, first: $first, after: $after) {
    totalCount @include(if: $withTotalCount)
    pageInfo { hasNextPage endCursor }
    edges { node { ...RestTaskFields } }
  }
}`),
  RestGetTask: withTask(`query RestGetTask($id: ID!) {
  task(id: $id) { ...RestTaskFields }
}`),
  RestCreateTask: withTask(`mutation RestCreateTask($input: CreateTaskInput!, $idempotencyKey: String) {
  createTask(input: $input, idempotencyKey: $idempotencyKey) { ...RestTaskFields }
}`),
  RestUpdateTask: withTask(`mutation RestUpdateTask($id: ID!, $input: UpdateTaskInput!, $expectedVersion: Int) {
  updateTask(id: $id, input: $input, expectedVersion: $expectedVersion) { ...RestTaskFields }
}`),
  RestCompleteTask: withTask(`mutation RestCompleteTask($id: ID!, $actualMinutes: Int, $expectedVersion: Int) {
  completeTask(id: $id, actualMinutes: $actualMinutes, expectedVersion: $expectedVersion) { ...RestTaskFields }
}`),
  RestDeleteTask: `mutation RestDeleteTask($id: ID!) {
  deleteTask(id: $id) { deletedId }
}`,
  RestListProjects: withProject(`query RestListProjects($filter: ProjectFilter, $first: Int, $after: String, $withTotalCount: Boolean! = false) {
  projects(filter: $filter, first: $first, after: $after) {
    totalCount @include(if: $withTotalCount)
    pageInfo { hasNextPage endCursor }
    edges { node { ...RestProjectFields } }
  }
}`),
  RestGetProject: withProject(`query RestGetProject($id: ID!) {
  project(id: $id) { ...RestProjectFields }
}`),
  RestCreateProject: withProject(`mutation RestCreateProject($input: CreateProjectInput!, $idempotencyKey: String) {
  createProject(input: $input, idempotencyKey: $idempotencyKey) { ...RestProjectFields }
}`),
  RestUpdateProject: withProject(`mutation RestUpdateProject($id: ID!, $input: UpdateProjectInput!, $expectedVersion: Int) {
  updateProject(id: $id, input: $input, expectedVersion: $expectedVersion) { ...RestProjectFields }
}`),
  RestDeleteProject: `mutation RestDeleteProject($id: ID!) {
  deleteProject(id: $id) { deletedId detachedTaskCount }
}`,
} as const;

export type RestOperationName = keyof typeof REST_OPERATIONS;
