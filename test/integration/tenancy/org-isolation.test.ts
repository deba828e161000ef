import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aCaller,
  createProject,
  createTask,
  startTestPlanningApp,
  TASK_FIELDS,
  type TestCaller,
  type TestPlanningApp,
} from '../../testkit/planning-app.js';
import { errorShape, expectError } from '../lists/connection-testing.js';

/** Everything org A has, read by A: must be identical before and after org B's attempts. */
const ORG_SNAPSHOT = `query {
  tasks(first: 100, orderBy: { field: CREATED_AT, direction: ASC }) { totalCount edges { node { ${TASK_FIELDS} subtasks { id } } } }
  projects(first: 100) { totalCount edges { node { id name description color status version updatedAt taskCount completedTaskCount } } }
}`;

/** The mutations that take an existing task or project id; `id` is what is being touched. */
const MUTATIONS_ON_ID: Array<[string, string, Record<string, unknown>]> = [
  ['updateTask', 'mutation($id: ID!) { updateTask(id: $id, input: { title: "hijacked" }) { id title } }', {}],
  ['updateTask with version', 'mutation($id: ID!) { updateTask(id: $id, input: { title: "x" }, expectedVersion: 99) { id } }', {}],
  ['completeTask', 'mutation($id: ID!) { completeTask(id: $id, actualMinutes: 5) { id status } }', {}],
  ['completeTask with version', 'mutation($id: ID!) { completeTask(id: $id, expectedVersion: 99) { id } }', {}],
  ['reopenTask', 'mutation($id: ID!) { reopenTask(id: $id) { id status } }', {}],
  ['moveTask', 'mutation($id: ID!) { moveTask(id: $id, input: { position: 0 }) { id position } }', {}],
  ['moveTask out of project', 'mutation($id: ID!) { moveTask(id: $id, input: { position: 0, projectId: null }) { id } }', {}],
  ['deleteTask', 'mutation($id: ID!) { deleteTask(id: $id) { deletedId } }', {}],
];
const PROJECT_MUTATIONS_ON_ID: Array<[string, string, Record<string, unknown>]> = [
  ['updateProject', 'mutation($id: ID!) { updateProject(id: $id, input: { name: "hijacked" }) { id name } }', {}],
  ['updateProject with version', 'mutation($id: ID!) { updateProject(id: $id, input: { name: "x" }, expectedVersion: 99) { id } }', {}],
  ['archiveProject', 'mutation($id: ID!) { archiveProject(id: $id) { id status } }', {}],
  ['deleteProject', 'mutation($id: ID!) { deleteProject(id: $id) { deletedId detachedTaskCount } }', {}],
];

describe('org isolation', () => {
  let app: TestPlanningApp;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());

  /** Org A (a project, a task in it, a subtask, a completed task) and org B (an admin with a project and task of its own). */
  async function twoOrgs() {
    const a = aCaller({ roles: ['admin'] });
    const b = aCaller({ roles: ['admin'] });
    const aProject = await createProject(app, a, { name: 'A secret project' });
    const aTask = await createTask(app, a, { title: 'A secret task', projectId: aProject.id, tags: ['secret'] });
    const aSubtask = await createTask(app, a, { title: 'A secret subtask', parentId: aTask.id });
    const aDone = await createTask(app, a, { title: 'A done task', status: 'COMPLETED', projectId: aProject.id });
    const bProject = await createProject(app, b, { name: 'B project' });
    const bTask = await createTask(app, b, { title: 'B task', projectId: bProject.id });
    const snapshot = () => app.ok(a, ORG_SNAPSHOT);
    return { a, b, aProject, aTask, aSubtask, aDone, bProject, bTask, snapshot };
  }

  /** B's error for A's id must look exactly like B's error for an id that never existed. */
  async function expectSameAsUnknown(caller: TestCaller, query: string, variables: Record<string, unknown>, key: string, foreignId: string) {
    const unknownId = randomUUID();
    const foreign = await app.gql(caller, query, { ...variables, [key]: foreignId });
    const unknown = await app.gql(caller, query, { ...variables, [key]: unknownId });
    expectError(foreign, 'NOT_FOUND');
    expect(errorShape(foreign, foreignId)).toEqual(errorShape(unknown, unknownId));
  }

  it('when org B reads A’s task or project by id, then it gets null, as for an unknown id', async () => {
    const { b, aTask, aSubtask, aProject } = await twoOrgs();
    for (const id of [aTask.id, aSubtask.id]) {
      expect(await app.gql(b, 'query($id: ID!) { task(id: $id) { id } }', { id })).toEqual({ status: 200, data: { task: null } });
    }
    expect(await app.gql(b, 'query($id: ID!) { project(id: $id) { id } }', { id: aProject.id })).toEqual({
      status: 200,
      data: { project: null },
    });
    expect(await app.gql(b, 'query($id: ID!) { task(id: $id) { id } }', { id: randomUUID() })).toEqual({ status: 200, data: { task: null } });
  });

  it('when org B lists tasks and projects, then A’s never appear and totals count only B’s', async () => {
    const { b, aTask, aSubtask, aDone, aProject, bTask, bProject } = await twoOrgs();
    const { tasks, projects } = await app.ok(b, 'query { tasks(first: 100) { totalCount edges { node { id } } } projects(first: 100) { totalCount edges { node { id } } } }');
    expect(tasks.edges.map((e: any) => e.node.id)).toEqual([bTask.id]);
    expect(tasks.totalCount).toBe(1);
    expect(projects.edges.map((e: any) => e.node.id)).toEqual([bProject.id]);
    expect(projects.totalCount).toBe(1);
    const aIds = [aTask.id, aSubtask.id, aDone.id, aProject.id];

    const filtered = await app.ok(
      b,
      `query($p: ID, $t: ID) {
        byProject: tasks(filter: { projectId: $p }) { totalCount edges { node { id } } }
        byParent: tasks(filter: { parentId: $t }) { totalCount edges { node { id } } }
        byTag: tasks(filter: { tag: "secret" }) { totalCount }
        bySearch: tasks(filter: { search: "secret" }) { totalCount }
        byOwner: tasks(filter: { ownerId: "${aTask.owner.id}" }) { totalCount }
        projectsBySearch: projects(filter: { search: "secret" }) { totalCount }
      }`,
      { p: aProject.id, t: aTask.id },
    );
    expect(filtered).toEqual({
      byProject: { totalCount: 0, edges: [] },
      byParent: { totalCount: 0, edges: [] },
      byTag: { totalCount: 0 },
      bySearch: { totalCount: 0 },
      byOwner: { totalCount: 0 },
      projectsBySearch: { totalCount: 0 },
    });
    expect(aIds.some((id) => JSON.stringify(filtered).includes(id))).toBe(false);
  });

  it('when org B resolves A’s Task and Project through _entities, then the entries are null', async () => {
    const { b, aTask, aProject, bTask } = await twoOrgs();
    const result = await app.gql(b, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Task { id title } ... on Project { id name } } }', {
      r: [
        { __typename: 'Task', id: aTask.id },
        { __typename: 'Project', id: aProject.id },
        { __typename: 'Task', id: bTask.id },
      ],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data._entities).toEqual([null, null, { id: bTask.id, title: 'B task' }]);
  });

  it('when org B changes or deletes A’s task through any mutation, then NOT_FOUND exactly as for an unknown id', async () => {
    const { b, aTask, aDone } = await twoOrgs();
    for (const [name, mutation, variables] of MUTATIONS_ON_ID) {
      const target = name.startsWith('reopen') ? aDone.id : aTask.id;
      await expectSameAsUnknown(b, mutation, variables, 'id', target).catch((error) => {
        throw new Error(`${name}: ${(error as Error).message}`);
      });
    }
  });

  it('when org B (an admin) changes, archives or deletes A’s project, then NOT_FOUND exactly as for an unknown id', async () => {
    const { b, aProject } = await twoOrgs();
    for (const [name, mutation, variables] of PROJECT_MUTATIONS_ON_ID) {
      await expectSameAsUnknown(b, mutation, variables, 'id', aProject.id).catch((error) => {
        throw new Error(`${name}: ${(error as Error).message}`);
      });
    }
  });

  it('when org B creates a task in A’s project or under A’s task, then NOT_FOUND as for unknown ids, and nothing is written', async () => {
    const { b, aProject, aTask } = await twoOrgs();
    const create = 'mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }';
    await expectSameAsUnknown(b, `mutation($p: ID!) { createTask(input: { title: "x", projectId: $p }) { id } }`, {}, 'p', aProject.id);
    await expectSameAsUnknown(b, `mutation($t: ID!) { createTask(input: { title: "x", parentId: $t }) { id } }`, {}, 't', aTask.id);
    const bulk = await app.gql(b, 'mutation($inputs: [CreateTaskInput!]!) { createTasks(inputs: $inputs) { id } }', {
      inputs: [{ title: 'fine' }, { title: 'sneaky', projectId: aProject.id }],
    });
    expect(expectError(bulk, 'NOT_FOUND').extensions?.field).toBe('inputs.1.projectId');
    const parent = await app.gql(b, create, { input: { title: 'x', parentId: aTask.id } });
    expect(expectError(parent, 'NOT_FOUND').extensions?.field).toBe('input.parentId');
    expect((await app.ok(b, 'query { tasks { totalCount } }')).tasks.totalCount).toBe(1);
  });

  it('when org B points its own task at A’s project or task, then NOT_FOUND as for unknown ids and B’s task is unchanged', async () => {
    const { b, aProject, aTask, bTask } = await twoOrgs();
    const read = () => app.ok(b, `query($id: ID!) { task(id: $id) { ${TASK_FIELDS} } }`, { id: bTask.id });
    const before = await read();
    await expectSameAsUnknown(b, 'mutation($id: ID!, $p: ID!) { updateTask(id: $id, input: { projectId: $p }) { id } }', { id: bTask.id }, 'p', aProject.id);
    await expectSameAsUnknown(b, 'mutation($id: ID!, $t: ID!) { updateTask(id: $id, input: { parentId: $t }) { id } }', { id: bTask.id }, 't', aTask.id);
    await expectSameAsUnknown(b, 'mutation($id: ID!, $p: ID!) { moveTask(id: $id, input: { projectId: $p, position: 0 }) { id } }', { id: bTask.id }, 'p', aProject.id);
    expect(await read()).toEqual(before);
  });

  it('when org B uses the same idempotencyKey as A, then B gets its own project and A’s is neither returned nor touched', async () => {
    const { a, b, snapshot } = await twoOrgs();
    const create = 'mutation($input: CreateProjectInput!, $key: String) { createProject(input: $input, idempotencyKey: $key) { id name } }';
    const mine = (await app.ok(a, create, { input: { name: 'Keyed' }, key: 'shared-key' })).createProject;
    const before = await snapshot();
    const theirs = (await app.ok(b, create, { input: { name: 'Keyed' }, key: 'shared-key' })).createProject;
    expect(theirs.id).not.toBe(mine.id);
    expect(await snapshot()).toEqual(before);
  });

  it('when org B has tried every path on A’s data, then A’s tasks and projects are exactly as they were', async () => {
    const { a, b, aProject, aTask, aSubtask, aDone, bTask, snapshot } = await twoOrgs();
    const before = await snapshot();
    expect(before.tasks.totalCount).toBe(3);

    for (const id of [aTask.id, aSubtask.id, aDone.id]) {
      for (const [, mutation, variables] of MUTATIONS_ON_ID) await app.gql(b, mutation, { ...variables, id });
    }
    for (const [, mutation, variables] of PROJECT_MUTATIONS_ON_ID) await app.gql(b, mutation, { ...variables, id: aProject.id });
    await app.gql(b, 'mutation($p: ID!) { createTask(input: { title: "x", projectId: $p }) { id } }', { p: aProject.id });
    await app.gql(b, 'mutation($t: ID!) { createTask(input: { title: "x", parentId: $t }) { id } }', { t: aTask.id });
    await app.gql(b, 'mutation($id: ID!, $p: ID!) { updateTask(id: $id, input: { projectId: $p }) { id } }', { id: bTask.id, p: aProject.id });
    await app.gql(b, 'mutation($id: ID!, $t: ID!) { updateTask(id: $id, input: { parentId: $t }) { id } }', { id: bTask.id, t: aTask.id });

    expect(await snapshot()).toEqual(before);
    // And A can still do everything with its own data.
    const { deleteProject } = await app.ok(a, 'mutation($id: ID!) { deleteProject(id: $id) { detachedTaskCount } }', { id: aProject.id });
    expect(deleteProject.detachedTaskCount).toBe(3);
  });
});
