import { expect } from 'vitest';
import { type GraphQLResult, TASK_FIELDS, type TestCaller, type TestPlanningApp } from '../../testkit/planning-app.js';

/** GraphQL operations and small readers shared by the task mutation suites (not a test file itself). */

export const CREATE_TASK = `mutation($input: CreateTaskInput!, $key: String) {
  createTask(input: $input, idempotencyKey: $key) { ${TASK_FIELDS} }
}`;

export const CREATE_TASKS = `mutation($inputs: [CreateTaskInput!]!, $key: String) {
  createTasks(inputs: $inputs, idempotencyKey: $key) { id title position project { id } parent { id } }
}`;

export const UPDATE_TASK = `mutation($id: ID!, $input: UpdateTaskInput!, $expectedVersion: Int) {
  updateTask(id: $id, input: $input, expectedVersion: $expectedVersion) { ${TASK_FIELDS} }
}`;

export const COMPLETE_TASK = `mutation($id: ID!, $actualMinutes: Int, $expectedVersion: Int) {
  completeTask(id: $id, actualMinutes: $actualMinutes, expectedVersion: $expectedVersion) { ${TASK_FIELDS} }
}`;

export const REOPEN_TASK = `mutation($id: ID!, $expectedVersion: Int) {
  reopenTask(id: $id, expectedVersion: $expectedVersion) { ${TASK_FIELDS} }
}`;

export const MOVE_TASK = `mutation($id: ID!, $input: MoveTaskInput!, $expectedVersion: Int) {
  moveTask(id: $id, input: $input, expectedVersion: $expectedVersion) { ${TASK_FIELDS} }
}`;

export const DELETE_TASK = `mutation($id: ID!) { deleteTask(id: $id) { deletedId } }`;

export const GET_TASK = `query($id: ID!) { task(id: $id) { ${TASK_FIELDS} subtasks { id position } } }`;

export async function readTask(app: TestPlanningApp, caller: TestCaller, id: string) {
  const data = await app.ok<{ task: any }>(caller, GET_TASK, { id });
  return data.task;
}

/** How many of the caller's org's tasks match `filter` (all pages). */
export async function countTasks(app: TestPlanningApp, caller: TestCaller, filter: Record<string, unknown> = {}) {
  const data = await app.ok<{ tasks: { totalCount: number } }>(
    caller,
    'query($filter: TaskFilter) { tasks(filter: $filter) { totalCount } }',
    { filter },
  );
  return data.tasks.totalCount;
}

/** The project's tasks in position order, as `{ id, position }`. */
export async function projectOrder(app: TestPlanningApp, caller: TestCaller, projectId: string) {
  const data = await app.ok<{ project: { tasks: { edges: Array<{ node: { id: string; position: number } }> } } }>(
    caller,
    `query($id: ID!) {
      project(id: $id) { tasks(orderBy: { field: POSITION, direction: ASC }, first: 100) { edges { node { id position } } } }
    }`,
    { id: projectId },
  );
  return data.project.tasks.edges.map((edge) => edge.node);
}

/** The tasks without a project, in position order. */
export async function unassignedOrder(app: TestPlanningApp, caller: TestCaller) {
  const data = await app.ok<{ tasks: { edges: Array<{ node: { id: string; position: number } }> } }>(
    caller,
    `query { tasks(filter: { withoutProject: true }, orderBy: { field: POSITION, direction: ASC }, first: 100) {
      edges { node { id position } } } }`,
  );
  return data.tasks.edges.map((edge) => edge.node);
}

/** `ids` in that exact order, numbered densely from 0. */
export const denseOrder = (ids: string[]) => ids.map((id, position) => ({ id, position }));

/** The single error of a failed operation. */
export function onlyError(result: GraphQLResult) {
  expect(result.errors, 'expected the operation to fail').toBeDefined();
  expect(result.errors).toHaveLength(1);
  return result.errors![0]!;
}

/** Asserts BAD_USER_INPUT naming every field in `fields` (and a problem message for each). */
export function expectBadUserInput(result: GraphQLResult, ...fields: string[]) {
  const error = onlyError(result);
  expect(error.extensions?.code).toBe('BAD_USER_INPUT');
  expect(error.extensions?.fields).toEqual(expect.arrayContaining(fields));
  for (const field of fields) {
    expect(error.extensions?.problems).toContainEqual({ field, message: expect.any(String) });
  }
  expect(result.data ?? null).toBeNull();
  return error;
}

export function expectNotFound(result: GraphQLResult, field: string) {
  const error = onlyError(result);
  expect(error.extensions).toMatchObject({ code: 'NOT_FOUND', field });
  expect(result.data ?? null).toBeNull();
  return error;
}
