import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aCaller,
  createProject,
  createTask,
  startTestPlanningApp,
  type TestCaller,
  type TestPlanningApp,
} from '../../testkit/planning-app.js';
import { expectError } from '../lists/connection-testing.js';

const SNAPSHOT = `query {
  tasks(first: 100) { totalCount edges { node { id title status priority position project { id } version updatedAt completedAt } } }
  projects(first: 100) { totalCount edges { node { id name status color version updatedAt } } }
}`;

/** Every mutation, with arguments that would succeed for a member (or an admin, for deleteProject). */
function everyMutation(taskId: string, projectId: string): Array<[string, string, Record<string, unknown>]> {
  return [
    ['createTask', 'mutation { createTask(input: { title: "x" }) { id } }', {}],
    ['createTasks', 'mutation { createTasks(inputs: [{ title: "x" }, { title: "y" }]) { id } }', {}],
    ['updateTask', 'mutation($id: ID!) { updateTask(id: $id, input: { title: "changed" }) { id } }', { id: taskId }],
    ['completeTask', 'mutation($id: ID!) { completeTask(id: $id) { id } }', { id: taskId }],
    ['reopenTask', 'mutation($id: ID!) { reopenTask(id: $id) { id } }', { id: taskId }],
    ['moveTask', 'mutation($id: ID!) { moveTask(id: $id, input: { position: 0, projectId: null }) { id } }', { id: taskId }],
    ['deleteTask', 'mutation($id: ID!) { deleteTask(id: $id) { deletedId } }', { id: taskId }],
    ['createProject', 'mutation { createProject(input: { name: "x" }) { id } }', {}],
    ['updateProject', 'mutation($id: ID!) { updateProject(id: $id, input: { name: "changed" }) { id } }', { id: projectId }],
    ['archiveProject', 'mutation($id: ID!) { archiveProject(id: $id) { id } }', { id: projectId }],
    ['deleteProject', 'mutation($id: ID!) { deleteProject(id: $id) { deletedId } }', { id: projectId }],
  ];
}

/** Every read path, for a task and a project that exist in the org. */
function everyRead(taskId: string, projectId: string): Array<[string, string, Record<string, unknown>]> {
  return [
    ['task', 'query($id: ID!) { task(id: $id) { id title } }', { id: taskId }],
    ['tasks', 'query { tasks { totalCount edges { node { id } } } }', {}],
    ['project', 'query($id: ID!) { project(id: $id) { id name } }', { id: projectId }],
    ['projects', 'query { projects { totalCount edges { node { id } } } }', {}],
    [
      '_entities Task',
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Task { id title } } }',
      { r: [{ __typename: 'Task', id: taskId }] },
    ],
    [
      '_entities Project',
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Project { id name tasks { edges { node { id } } } } } }',
      { r: [{ __typename: 'Project', id: projectId }] },
    ],
  ];
}

describe('roles', () => {
  let app: TestPlanningApp;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());

  /** An org with a member who seeded one project holding one task. */
  async function anOrg() {
    const member = aCaller({ roles: ['member'] });
    const project = await createProject(app, member, { name: 'Seeded' });
    const task = await createTask(app, member, { title: 'Seeded task', projectId: project.id });
    const as = (roles: string[]): TestCaller => ({ ...aCaller(), orgId: member.orgId, roles });
    return { member, project, task, as };
  }

  it('when a viewer reads, then every read path answers', async () => {
    const { task, project, as } = await anOrg();
    const viewer = as(['viewer']);
    expect((await app.ok(viewer, 'query($id: ID!) { task(id: $id) { id } }', { id: task.id })).task).toEqual({ id: task.id });
    expect((await app.ok(viewer, 'query { tasks { totalCount } }')).tasks.totalCount).toBe(1);
    expect((await app.ok(viewer, 'query($id: ID!) { project(id: $id) { id taskCount } }', { id: project.id })).project).toEqual({
      id: project.id,
      taskCount: 1,
    });
    expect((await app.ok(viewer, 'query { projects { totalCount } }')).projects.totalCount).toBe(1);
    const entities = await app.ok(viewer, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Task { id } } }', {
      r: [{ __typename: 'Task', id: task.id }],
    });
    expect(entities._entities).toEqual([{ id: task.id }]);
  });

  it('when a viewer calls any mutation, then every one is FORBIDDEN and nothing is written', async () => {
    const { member, task, project, as } = await anOrg();
    const viewer = as(['viewer']);
    const before = await app.ok(member, SNAPSHOT);
    for (const [name, mutation, variables] of everyMutation(task.id, project.id)) {
      const result = await app.gql(viewer, mutation, variables);
      expect(result.errors?.map((e) => e.extensions?.code), name).toEqual(['FORBIDDEN']);
      expect(result.data ?? null, name).toBeNull();
    }
    expect(await app.ok(member, SNAPSHOT)).toEqual(before);
  });

  it('when a viewer calls a mutation on an id that does not exist, then it is FORBIDDEN too (role is checked first)', async () => {
    const { as } = await anOrg();
    const viewer = as(['viewer']);
    for (const [name, mutation, variables] of everyMutation(randomUUID(), randomUUID())) {
      const result = await app.gql(viewer, mutation, variables);
      expect(result.errors?.map((e) => e.extensions?.code), name).toEqual(['FORBIDDEN']);
    }
  });

  it('when a member writes tasks and projects, then every write but deleteProject succeeds', async () => {
    const { task, project, as } = await anOrg();
    const member = as(['member']);
    const mutations = everyMutation(task.id, project.id);
    for (const [name, mutation, variables] of mutations.filter(([n]) => n !== 'deleteProject')) {
      const result = await app.gql(member, mutation, variables);
      expect(result.errors, name).toBeUndefined();
      expect(result.data?.[name], name).toBeTruthy();
    }
    const { projects } = await app.ok(member, 'query { projects { edges { node { id name status } } } }');
    expect(projects.edges.map((e: any) => e.node)).toContainEqual({ id: project.id, name: 'changed', status: 'ARCHIVED' });
    expect((await app.ok(member, 'query($id: ID!) { task(id: $id) { id } }', { id: task.id })).task).toBeNull();
  });

  it('when a member deletes a project, then FORBIDDEN and the project stays', async () => {
    const { project, as } = await anOrg();
    const member = as(['member']);
    expectError(await app.gql(member, 'mutation($id: ID!) { deleteProject(id: $id) { deletedId } }', { id: project.id }), 'FORBIDDEN');
    expect((await app.ok(member, 'query($id: ID!) { project(id: $id) { id } }', { id: project.id })).project).toEqual({ id: project.id });
  });

  it('when an admin deletes a project, then it is gone', async () => {
    const { project, as } = await anOrg();
    const admin = as(['admin']);
    const { deleteProject } = await app.ok(admin, 'mutation($id: ID!) { deleteProject(id: $id) { deletedId detachedTaskCount } }', {
      id: project.id,
    });
    expect(deleteProject).toEqual({ deletedId: project.id, detachedTaskCount: 1 });
    expect((await app.ok(admin, 'query($id: ID!) { project(id: $id) { id } }', { id: project.id })).project).toBeNull();
  });

  it('when an admin writes tasks and projects, then those writes succeed too', async () => {
    const { task, project, as } = await anOrg();
    const admin = as(['admin']);
    for (const [name, mutation, variables] of everyMutation(task.id, project.id).filter(([n]) => n !== 'deleteTask')) {
      const result = await app.gql(admin, mutation, variables);
      expect(result.errors, name).toBeUndefined();
    }
  });

  it('when roles are given in another case or with spaces, then they are still recognised', async () => {
    const { as } = await anOrg();
    const result = await app.gql(as([' Member ']), 'mutation { createTask(input: { title: "cased" }) { id } }');
    expect(result.errors).toBeUndefined();
  });

  it.each([[[]], [['guest']], [['owner', 'superuser']]])(
    'when a caller has no known role (%j), then every read path is FORBIDDEN and nothing leaks',
    async (roles) => {
      const { task, project, as } = await anOrg();
      const nobody = as(roles);
      for (const [name, query, variables] of everyRead(task.id, project.id)) {
        const result = await app.gql(nobody, query, variables);
        expect(result.errors?.length, name).toBeGreaterThan(0);
        expect(new Set(result.errors!.map((e) => e.extensions?.code)), name).toEqual(new Set(['FORBIDDEN']));
        expect(JSON.stringify(result.data ?? null), name).not.toContain(task.id);
        expect(JSON.stringify(result.data ?? null), name).not.toContain(project.id);
      }
    },
  );

  it('when a caller has no known role, then every mutation is FORBIDDEN', async () => {
    const { member, task, project, as } = await anOrg();
    const nobody = as(['guest']);
    const before = await app.ok(member, SNAPSHOT);
    for (const [name, mutation, variables] of everyMutation(task.id, project.id)) {
      expect((await app.gql(nobody, mutation, variables)).errors?.map((e) => e.extensions?.code), name).toEqual(['FORBIDDEN']);
    }
    expect(await app.ok(member, SNAPSHOT)).toEqual(before);
  });

  it.each([
    ['no caller headers', {}],
    ['only X-User-Id', { 'x-user-id': 'user-1', 'x-roles': 'admin' }],
    ['only X-Org-Id', { 'x-org-id': 'org-1', 'x-roles': 'admin' }],
    ['blank X-User-Id', { 'x-user-id': '  ', 'x-org-id': 'org-1', 'x-roles': 'admin' }],
  ])('when a request has %s, then HTTP 401 with code UNAUTHENTICATED and no data', async (_label, headers) => {
    const { task } = await anOrg();
    for (const query of ['query { tasks { totalCount } }', `query { task(id: "${task.id}") { id } }`, 'mutation { createTask(input: { title: "x" }) { id } }']) {
      const response = await fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query }),
      });
      const body = (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
      expect(response.status).toBe(401);
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(body.data ?? null).toBeNull();
    }
  });

  it('when the test client sends no caller, then it gets 401 UNAUTHENTICATED as well', async () => {
    const result = await app.gql(null, 'query { projects { totalCount } }');
    expect(result.status).toBe(401);
    expectError(result, 'UNAUTHENTICATED');
  });
});
