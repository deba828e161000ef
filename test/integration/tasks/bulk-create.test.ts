import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCaller, createProject, createTask, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';
import { CREATE_TASKS, countTasks, denseOrder, expectBadUserInput, expectNotFound, projectOrder } from './task-api.js';

const titled = (count: number, each: (i: number) => Record<string, unknown> = () => ({})) =>
  Array.from({ length: count }, (_, i) => ({ title: `Bulk ${i}`, ...each(i) }));

describe('createTasks (bulk)', () => {
  let app: TestPlanningApp;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());

  it('when 100 tasks are created at once, then all are written, returned in input order and numbered 0..99', async () => {
    const caller = aCaller();
    const project = await createProject(app, caller);
    const inputs = titled(100, () => ({ projectId: project.id }));

    const { createTasks } = await app.ok(caller, CREATE_TASKS, { inputs });

    expect(createTasks.map((t: { title: string }) => t.title)).toEqual(inputs.map((i) => i.title));
    expect(new Set(createTasks.map((t: { id: string }) => t.id)).size).toBe(100);
    expect(await projectOrder(app, caller, project.id)).toEqual(denseOrder(createTasks.map((t: { id: string }) => t.id)));
    expect(await countTasks(app, caller)).toBe(100);
  });

  it.each([
    ['101 tasks', 101],
    ['no tasks', 0],
  ])('when %s are sent, then BAD_USER_INPUT names inputs and nothing is written', async (_case, count) => {
    const caller = aCaller();

    const result = await app.gql(caller, CREATE_TASKS, { inputs: titled(count) });

    expectBadUserInput(result, 'inputs');
    expect(await countTasks(app, caller)).toBe(0);
  });

  it('when one of 50 tasks has an empty title, then BAD_USER_INPUT names inputs.37.title and no task is written', async () => {
    const caller = aCaller();
    const inputs = titled(50, (i) => (i === 37 ? { title: '   ' } : {}));

    const result = await app.gql(caller, CREATE_TASKS, { inputs });

    const error = expectBadUserInput(result, 'inputs.37.title');
    expect(error.extensions?.fields).toEqual(['inputs.37.title']);
    expect(await countTasks(app, caller)).toBe(0);
  });

  it('when two of 50 tasks are bad in different ways, then BAD_USER_INPUT names both fields and no task is written', async () => {
    const caller = aCaller();
    const inputs = titled(50, (i) => (i === 3 ? { dueDate: '2026-02-30' } : i === 41 ? { estimatedMinutes: -1 } : {}));

    const result = await app.gql(caller, CREATE_TASKS, { inputs });

    const error = expectBadUserInput(result, 'inputs.3.dueDate', 'inputs.41.estimatedMinutes');
    expect(error.extensions?.fields).toHaveLength(2);
    expect(await countTasks(app, caller)).toBe(0);
  });

  it('when one of 50 tasks names an unknown project, then NOT_FOUND names inputs.37.projectId and no task is written', async () => {
    const caller = aCaller();
    const project = await createProject(app, caller);
    const inputs = titled(50, (i) => ({ projectId: i === 37 ? '00000000-0000-4000-8000-000000000000' : project.id }));

    const result = await app.gql(caller, CREATE_TASKS, { inputs });

    expectNotFound(result, 'inputs.37.projectId');
    expect(await countTasks(app, caller)).toBe(0);
    expect(await projectOrder(app, caller, project.id)).toEqual([]);
  });

  it('when one of 50 tasks names an unknown parent, then NOT_FOUND names inputs.12.parentId and no task is written', async () => {
    const caller = aCaller();
    const inputs = titled(50, (i) => (i === 12 ? { parentId: '00000000-0000-4000-8000-000000000000' } : {}));

    const result = await app.gql(caller, CREATE_TASKS, { inputs });

    expectNotFound(result, 'inputs.12.parentId');
    expect(await countTasks(app, caller)).toBe(0);
  });

  it('when a bulk spreads over projects that already hold tasks, then each project continues its own numbering', async () => {
    const caller = aCaller();
    const [alpha, beta] = [await createProject(app, caller), await createProject(app, caller)];
    const existing = [await createTask(app, caller, { projectId: alpha.id }), await createTask(app, caller, { projectId: alpha.id })];
    const inputs = titled(5, (i) => ({ projectId: i % 2 === 0 ? alpha.id : beta.id }));

    const { createTasks } = await app.ok(caller, CREATE_TASKS, { inputs });

    const ids = createTasks.map((t: { id: string }) => t.id);
    expect(createTasks.map((t: { position: number }) => t.position)).toEqual([2, 0, 3, 1, 4]);
    expect(await projectOrder(app, caller, alpha.id)).toEqual(denseOrder([...existing.map((t) => t.id), ids[0], ids[2], ids[4]]));
    expect(await projectOrder(app, caller, beta.id)).toEqual(denseOrder([ids[1], ids[3]]));
  });

  it('when a bulk holds subtasks of an existing task, then they inherit its project and are listed under it', async () => {
    const caller = aCaller();
    const project = await createProject(app, caller);
    const parent = await createTask(app, caller, { projectId: project.id });

    const { createTasks } = await app.ok(caller, CREATE_TASKS, { inputs: titled(3, () => ({ parentId: parent.id })) });

    for (const task of createTasks) expect(task).toMatchObject({ parent: { id: parent.id }, project: { id: project.id } });
    const read = await app.ok(caller, 'query($id: ID!) { task(id: $id) { subtaskCount subtasks { id } } }', { id: parent.id });
    expect(read.task).toEqual({ subtaskCount: 3, subtasks: createTasks.map((t: { id: string }) => ({ id: t.id })) });
  });
});
