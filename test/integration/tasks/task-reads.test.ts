import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCaller, createProject, createTask, createTasks, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';
import { CREATE_TASK, GET_TASK, countTasks, onlyError, readTask } from './task-api.js';

describe('task reads and callers', () => {
  let app: TestPlanningApp;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());

  it('when a task id is unknown, then task(id) is null without an error', async () => {
    const caller = aCaller();

    const result = await app.gql(caller, GET_TASK, { id: '00000000-0000-4000-8000-000000000000' });

    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ task: null });
  });

  it("when a task belongs to another org, then task(id) is null exactly as for an unknown id", async () => {
    const owner = aCaller();
    const task = await createTask(app, owner);

    const result = await app.gql(aCaller(), GET_TASK, { id: task.id });

    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ task: null });
    expect((await readTask(app, owner, task.id)).id).toBe(task.id);
  });

  it('when the id is given in upper case, then the same task is found', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller);

    const read = await readTask(app, caller, task.id.toUpperCase());

    expect(read.id).toBe(task.id);
  });

  it("when another org's task is asked for through _entities, then it resolves to null", async () => {
    const owner = aCaller();
    const task = await createTask(app, owner, { title: 'Private' });
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Task { id title } } }';
    const representations = [{ __typename: 'Task', id: task.id }];

    const foreign = await app.ok(aCaller(), query, { r: representations });
    const own = await app.ok(owner, query, { r: representations });

    expect(foreign._entities).toEqual([null]);
    expect(own._entities).toEqual([{ id: task.id, title: 'Private' }]);
  });

  it("when two orgs have tasks, then tasks { totalCount } counts only the caller's org", async () => {
    const caller = aCaller();
    const other = aCaller();
    await createTasks(app, caller, 3);
    await createTasks(app, other, 5);

    expect(await countTasks(app, caller)).toBe(3);
    expect(await countTasks(app, other)).toBe(5);
  });

  it("when a project's tasks are read in position order, then all of them come in position order with a total", async () => {
    const caller = aCaller();
    const project = await createProject(app, caller);
    const created = await createTasks(app, caller, 4, () => ({ projectId: project.id }));

    const data = await app.ok(
      caller,
      `query($id: ID!) { project(id: $id) { taskCount tasks(orderBy: { field: POSITION, direction: DESC }) {
        totalCount edges { node { id position } } } } }`,
      { id: project.id },
    );

    expect(data.project.taskCount).toBe(4);
    expect(data.project.tasks.totalCount).toBe(4);
    expect(data.project.tasks.edges.map((e: any) => e.node.id)).toEqual(created.map((t) => t.id).reverse());
  });

  it('when the caller headers are missing, then a query is answered 401 with UNAUTHENTICATED', async () => {
    const result = await app.gql(null, 'query { tasks { totalCount } }');

    expect(result.status).toBe(401);
    expect(onlyError(result).extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data ?? null).toBeNull();
  });

  it('when the caller headers are missing, then createTask is answered 401 with UNAUTHENTICATED', async () => {
    const result = await app.gql(null, CREATE_TASK, { input: { title: 'Anonymous' } });

    expect(result.status).toBe(401);
    expect(onlyError(result).extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data ?? null).toBeNull();
  });

  it('when a viewer creates a task, then FORBIDDEN and nothing is written, while reading still works', async () => {
    const member = aCaller();
    const viewer = { ...member, userId: `${member.userId}-viewer`, roles: ['viewer'] };

    const result = await app.gql(viewer, CREATE_TASK, { input: { title: 'Not allowed' } });

    expect(onlyError(result).extensions?.code).toBe('FORBIDDEN');
    expect(await countTasks(app, viewer)).toBe(0);
    expect(await countTasks(app, member)).toBe(0);
  });
});
