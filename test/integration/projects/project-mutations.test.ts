import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aCaller,
  createProject,
  createTask,
  createTasks,
  startTestPlanningApp,
  type TestPlanningApp,
} from '../../testkit/planning-app.js';
import { expectBadInput, expectError } from '../lists/connection-testing.js';

const PROJECT_FIELDS = 'id name description color icon status owner { id } taskCount completedTaskCount createdAt updatedAt version';

const CREATE = `mutation($input: CreateProjectInput!, $key: String) {
  createProject(input: $input, idempotencyKey: $key) { ${PROJECT_FIELDS} }
}`;
const UPDATE = `mutation($id: ID!, $input: UpdateProjectInput!, $expectedVersion: Int) {
  updateProject(id: $id, input: $input, expectedVersion: $expectedVersion) { ${PROJECT_FIELDS} }
}`;
const ARCHIVE = `mutation($id: ID!, $expectedVersion: Int) { archiveProject(id: $id, expectedVersion: $expectedVersion) { ${PROJECT_FIELDS} } }`;
const DELETE = 'mutation($id: ID!) { deleteProject(id: $id) { deletedId detachedTaskCount } }';
const PROJECT = `query($id: ID!) { project(id: $id) { ${PROJECT_FIELDS} } }`;
const PROJECT_COUNT = 'query { projects(first: 100) { totalCount edges { node { id } } } }';

describe('project mutations', () => {
  let app: TestPlanningApp;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());

  it('when a member creates a project, then the name is trimmed and the project starts ACTIVE at version 1, owned by the caller', async () => {
    const caller = aCaller();
    const { createProject: project } = await app.ok(caller, CREATE, {
      input: { name: '  Launch  ', description: 'Q3 launch', color: '#abc', icon: 'rocket' },
    });
    expect(project).toMatchObject({
      name: 'Launch',
      description: 'Q3 launch',
      color: '#abc',
      icon: 'rocket',
      status: 'ACTIVE',
      owner: { id: caller.userId },
      taskCount: 0,
      completedTaskCount: 0,
      version: 1,
    });
    expect((await app.ok(caller, PROJECT, { id: project.id })).project).toEqual(project);
  });

  it('when the colour is #RGB or #RRGGBB, then it is accepted as given', async () => {
    const caller = aCaller();
    for (const color of ['#abc', '#aabbcc', '#A1B2C3']) {
      expect((await app.ok(caller, CREATE, { input: { name: 'Coloured', color } })).createProject.color).toBe(color);
    }
  });

  it.each(['red', '#abcd', 'aabbcc', '#ggg', '#aabbccdd', ''])(
    'when the colour is %j, then BAD_USER_INPUT names input.color and nothing is written',
    async (color) => {
      const caller = aCaller();
      expectBadInput(await app.gql(caller, CREATE, { input: { name: 'Bad colour', color } }), ['input.color']);
      expect((await app.ok(caller, PROJECT_COUNT)).projects.totalCount).toBe(0);
    },
  );

  it.each(['', '   ', 'x'.repeat(201)])('when the name is %j, then BAD_USER_INPUT names input.name', async (name) => {
    const caller = aCaller();
    expectBadInput(await app.gql(caller, CREATE, { input: { name } }), ['input.name']);
    expect((await app.ok(caller, PROJECT_COUNT)).projects.totalCount).toBe(0);
  });

  it('when createProject is retried with the same idempotencyKey, then the first project is returned and no second row is written', async () => {
    const caller = aCaller();
    const input = { name: 'Once', color: '#123456' };
    const first = (await app.ok(caller, CREATE, { input, key: 'create-once-1' })).createProject;
    const second = (await app.ok(caller, CREATE, { input, key: 'create-once-1' })).createProject;
    expect(second).toEqual(first);
    expect((await app.ok(caller, PROJECT_COUNT)).projects.totalCount).toBe(1);

    const other = (await app.ok(caller, CREATE, { input, key: 'create-once-2' })).createProject;
    expect(other.id).not.toBe(first.id);
    expect((await app.ok(caller, PROJECT_COUNT)).projects.totalCount).toBe(2);
  });

  it('when an idempotencyKey is reused with a different input, then CONFLICT and nothing is written', async () => {
    const caller = aCaller();
    await app.ok(caller, CREATE, { input: { name: 'First' }, key: 'reused' });
    expectError(await app.gql(caller, CREATE, { input: { name: 'Second' }, key: 'reused' }), 'CONFLICT');
    expect((await app.ok(caller, PROJECT_COUNT)).projects.totalCount).toBe(1);
  });

  it('when another user of the same org uses the same idempotencyKey, then they get a project of their own', async () => {
    const caller = aCaller();
    const colleague = { ...aCaller(), orgId: caller.orgId };
    const input = { name: 'Shared key' };
    const mine = (await app.ok(caller, CREATE, { input, key: 'k' })).createProject;
    const theirs = (await app.ok(colleague, CREATE, { input, key: 'k' })).createProject;
    expect(theirs.id).not.toBe(mine.id);
    expect(theirs.owner.id).toBe(colleague.userId);
  });

  it('when updateProject names the current version, then the change is applied and the version goes up by one', async () => {
    const caller = aCaller();
    const project = await createProject(app, caller, { name: 'Before' });
    const { updateProject } = await app.ok(caller, UPDATE, {
      id: project.id,
      input: { name: '  After ', color: '#aabbcc', description: null },
      expectedVersion: project.version,
    });
    expect(updateProject).toMatchObject({ id: project.id, name: 'After', color: '#aabbcc', description: null, version: 2 });
    expect(Date.parse(updateProject.updatedAt)).toBeGreaterThanOrEqual(Date.parse(updateProject.createdAt));
    expect((await app.ok(caller, PROJECT, { id: project.id })).project).toEqual(updateProject);
  });

  it('when updateProject names a stale version, then CONFLICT carries the current version and nothing changes', async () => {
    const caller = aCaller();
    const project = await createProject(app, caller, { name: 'Stale' });
    await app.ok(caller, UPDATE, { id: project.id, input: { name: 'Fresh' } });
    const before = (await app.ok(caller, PROJECT, { id: project.id })).project;

    const error = expectError(await app.gql(caller, UPDATE, { id: project.id, input: { name: 'Lost' }, expectedVersion: 1 }), 'CONFLICT');
    expect(error.extensions).toMatchObject({ currentVersion: 2, expectedVersion: 1 });
    expect((await app.ok(caller, PROJECT, { id: project.id })).project).toEqual(before);
  });

  it('when updateProject has a bad colour, then BAD_USER_INPUT names input.color and nothing changes', async () => {
    const caller = aCaller();
    const project = await createProject(app, caller, { name: 'Keep', color: '#abc' });
    expectBadInput(await app.gql(caller, UPDATE, { id: project.id, input: { color: 'blue' } }), ['input.color']);
    expect((await app.ok(caller, PROJECT, { id: project.id })).project).toMatchObject({ color: '#abc', version: 1 });
  });

  it('when a project is archived, then its status is ARCHIVED, its version goes up, and a stale archive is a CONFLICT', async () => {
    const caller = aCaller();
    const project = await createProject(app, caller);
    const { archiveProject } = await app.ok(caller, ARCHIVE, { id: project.id, expectedVersion: 1 });
    expect(archiveProject).toMatchObject({ id: project.id, status: 'ARCHIVED', version: 2 });
    expectError(await app.gql(caller, ARCHIVE, { id: project.id, expectedVersion: 1 }), 'CONFLICT');
    const listed = await app.ok(caller, 'query { projects(filter: { status: [ARCHIVED] }) { edges { node { id } } } }');
    expect(listed.projects.edges.map((e: any) => e.node.id)).toEqual([project.id]);
  });

  it('when an admin deletes a project, then its tasks stay without a project and detachedTaskCount counts them', async () => {
    const admin = aCaller({ roles: ['admin'] });
    const doomed = await createProject(app, admin);
    const kept = await createProject(app, admin);
    const doomedTasks = await createTasks(app, admin, 3, () => ({ projectId: doomed.id }));
    const subtask = await createTask(app, admin, { parentId: doomedTasks[0]!.id });
    const keptTasks = await createTasks(app, admin, 2, () => ({ projectId: kept.id }));

    const { deleteProject } = await app.ok(admin, DELETE, { id: doomed.id });
    expect(deleteProject).toEqual({ deletedId: doomed.id, detachedTaskCount: 4 });

    expect((await app.ok(admin, PROJECT, { id: doomed.id })).project).toBeNull();
    for (const task of [...doomedTasks, subtask]) {
      const { task: read } = await app.ok(admin, 'query($id: ID!) { task(id: $id) { id project { id } } }', { id: task.id });
      expect(read).toEqual({ id: task.id, project: null });
    }
    for (const task of keptTasks) {
      const { task: read } = await app.ok(admin, 'query($id: ID!) { task(id: $id) { project { id } } }', { id: task.id });
      expect(read.project).toEqual({ id: kept.id });
    }
    const { project } = await app.ok(admin, PROJECT, { id: kept.id });
    expect(project.taskCount).toBe(2);
  });

  it('when a project without tasks is deleted, then detachedTaskCount is 0; deleting it again is NOT_FOUND', async () => {
    const admin = aCaller({ roles: ['admin'] });
    const project = await createProject(app, admin);
    expect((await app.ok(admin, DELETE, { id: project.id })).deleteProject).toEqual({ deletedId: project.id, detachedTaskCount: 0 });
    expectError(await app.gql(admin, DELETE, { id: project.id }), 'NOT_FOUND');
  });

  it('when a member deletes a project, then FORBIDDEN and the project and its tasks are untouched', async () => {
    const member = aCaller();
    const project = await createProject(app, member);
    await createTasks(app, member, 2, () => ({ projectId: project.id }));
    expectError(await app.gql(member, DELETE, { id: project.id }), 'FORBIDDEN');
    expect((await app.ok(member, PROJECT, { id: project.id })).project).toMatchObject({ id: project.id, taskCount: 2 });
  });

  it('when a project id is malformed, then BAD_USER_INPUT names id', async () => {
    const admin = aCaller({ roles: ['admin'] });
    expectBadInput(await app.gql(admin, UPDATE, { id: 'nope', input: { name: 'x' } }), ['id']);
    expectBadInput(await app.gql(admin, DELETE, { id: 'nope' }), ['id']);
    expectBadInput(await app.gql(admin, PROJECT, { id: 'nope' }), ['id']);
  });
});
