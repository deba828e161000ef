import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCaller, createProject, createTasks, startTestPlanningApp, type TestCaller, type TestPlanningApp } from '../../testkit/planning-app.js';
import {
  DELETE_TASK,
  MOVE_TASK,
  denseOrder,
  expectBadUserInput,
  expectNotFound,
  onlyError,
  projectOrder,
  readTask,
  unassignedOrder,
} from './task-api.js';

/** `ids` with the element at `from` taken out and put back at index `to` (clamped to the end). */
const moved = (ids: string[], from: number, to: number) => {
  const rest = ids.filter((_, i) => i !== from);
  rest.splice(Math.min(to, rest.length), 0, ids[from]!);
  return rest;
};

describe('moveTask', () => {
  let app: TestPlanningApp;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());

  /** A project holding `count` tasks at positions 0..count-1; returns the project and the task ids in order. */
  const aProjectWithTasks = async (caller: TestCaller, count: number) => {
    const project = await createProject(app, caller);
    const tasks = await createTasks(app, caller, count, () => ({ projectId: project.id }));
    const ids = tasks.map((t) => t.id);
    expect(await projectOrder(app, caller, project.id)).toEqual(denseOrder(ids));
    return { project, ids };
  };

  const move = async (caller: TestCaller, id: string, input: Record<string, unknown>) =>
    (await app.ok(caller, MOVE_TASK, { id, input })).moveTask;

  it.each([
    ['the last task to the front', 4, 0],
    ['the first task to the end', 0, 4],
    ['a middle task further down', 1, 3],
    ['a middle task further up', 3, 1],
    ['a task one step down', 2, 3],
    ['a task onto its own position', 2, 2],
  ])('when %s is moved inside its project, then the order is that permutation with positions 0..n-1', async (_case, from, to) => {
    const caller = aCaller();
    const { project, ids } = await aProjectWithTasks(caller, 5);

    const task = await move(caller, ids[from]!, { position: to });

    expect(task).toMatchObject({ id: ids[from], position: to, project: { id: project.id } });
    expect(await projectOrder(app, caller, project.id)).toEqual(denseOrder(moved(ids, from, to)));
  });

  it('when several tasks of one project are moved at the same time, then every move succeeds and positions stay 0..n-1', async () => {
    const caller = aCaller();
    const { project, ids } = await aProjectWithTasks(caller, 8);

    for (let round = 0; round < 4; round++) {
      const order = (await projectOrder(app, caller, project.id)).map((t) => t.id);
      const results = await Promise.all(
        order.slice(3).map((id, i) => app.gql(caller, MOVE_TASK, { id, input: { position: i % 2 === 0 ? 0 : 7 } })),
      );

      for (const result of results) expect(result.errors).toBeUndefined();
      const after = await projectOrder(app, caller, project.id);
      expect(after.map((t) => t.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(after.map((t) => t.id).sort()).toEqual([...ids].sort());
    }
  });

  it('when tasks are moved into a project while its own tasks are reordered, then all succeed and it stays dense', async () => {
    const caller = aCaller();
    const target = await aProjectWithTasks(caller, 5);
    const source = await aProjectWithTasks(caller, 3);

    const results = await Promise.all([
      ...source.ids.map((id) => app.gql(caller, MOVE_TASK, { id, input: { projectId: target.project.id, position: 0 } })),
      ...target.ids.slice(2).map((id) => app.gql(caller, MOVE_TASK, { id, input: { position: 0 } })),
    ]);

    for (const result of results) expect(result.errors).toBeUndefined();
    const after = await projectOrder(app, caller, target.project.id);
    expect(after.map((t) => t.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(after.map((t) => t.id).sort()).toEqual([...target.ids, ...source.ids].sort());
    expect(await projectOrder(app, caller, source.project.id)).toEqual([]);
  });

  it('when the position is past the end, then the task becomes the last one', async () => {
    const caller = aCaller();
    const { project, ids } = await aProjectWithTasks(caller, 4);

    const task = await move(caller, ids[1]!, { position: 99 });

    expect(task.position).toBe(3);
    expect(await projectOrder(app, caller, project.id)).toEqual(denseOrder(moved(ids, 1, 3)));
  });

  it('when many moves follow each other, then the order always matches the same moves on a list', async () => {
    const caller = aCaller();
    const { project, ids } = await aProjectWithTasks(caller, 6);
    let expected = ids;

    for (const [from, to] of [[5, 0], [0, 5], [2, 4], [4, 1], [3, 3], [1, 10]] as const) {
      await move(caller, expected[from]!, { position: to });
      expected = moved(expected, from, to);
      expect(await projectOrder(app, caller, project.id)).toEqual(denseOrder(expected));
    }
  });

  it('when a task moves after others were deleted, then the positions close up densely again', async () => {
    const caller = aCaller();
    const { project, ids } = await aProjectWithTasks(caller, 5);
    await app.ok(caller, DELETE_TASK, { id: ids[1] });
    const remaining = ids.filter((_, i) => i !== 1);

    await move(caller, remaining[3]!, { position: 0 });

    expect(await projectOrder(app, caller, project.id)).toEqual(denseOrder(moved(remaining, 3, 0)));
  });

  it('when a task is moved into another project, then it sits at that index there and the source keeps its order', async () => {
    const caller = aCaller();
    const source = await aProjectWithTasks(caller, 4);
    const target = await aProjectWithTasks(caller, 3);
    const mover = source.ids[2]!;

    const task = await move(caller, mover, { projectId: target.project.id, position: 1 });

    expect(task).toMatchObject({ project: { id: target.project.id }, position: 1, version: 2 });
    const expectedTarget = [...target.ids];
    expectedTarget.splice(1, 0, mover);
    expect(await projectOrder(app, caller, target.project.id)).toEqual(denseOrder(expectedTarget));
    const sourceIds = (await projectOrder(app, caller, source.project.id)).map((t) => t.id);
    expect(sourceIds).toEqual(source.ids.filter((id) => id !== mover));
  });

  it('when a task is moved into another project past its end, then it is last there', async () => {
    const caller = aCaller();
    const source = await aProjectWithTasks(caller, 2);
    const target = await aProjectWithTasks(caller, 3);

    const task = await move(caller, source.ids[0]!, { projectId: target.project.id, position: 1000 });

    expect(task.position).toBe(3);
    expect(await projectOrder(app, caller, target.project.id)).toEqual(denseOrder([...target.ids, source.ids[0]!]));
  });

  it('when a task is moved with projectId null, then it joins the tasks without a project at that index', async () => {
    const caller = aCaller();
    const loose = (await createTasks(app, caller, 2)).map((t) => t.id);
    const { ids } = await aProjectWithTasks(caller, 2);

    const task = await move(caller, ids[0]!, { projectId: null, position: 0 });

    expect(task).toMatchObject({ project: null, position: 0 });
    expect(await unassignedOrder(app, caller)).toEqual(denseOrder([ids[0]!, ...loose]));
  });

  it('when the target project is unknown, then NOT_FOUND names input.projectId and nothing moves', async () => {
    const caller = aCaller();
    const { project, ids } = await aProjectWithTasks(caller, 3);

    const result = await app.gql(caller, MOVE_TASK, {
      id: ids[2],
      input: { projectId: '00000000-0000-4000-8000-000000000000', position: 0 },
    });

    expectNotFound(result, 'input.projectId');
    expect(await projectOrder(app, caller, project.id)).toEqual(denseOrder(ids));
    expect(await readTask(app, caller, ids[2]!)).toMatchObject({ project: { id: project.id }, version: 1 });
  });

  it("when the target project belongs to another org, then NOT_FOUND names input.projectId", async () => {
    const caller = aCaller();
    const { project, ids } = await aProjectWithTasks(caller, 2);
    const foreign = await createProject(app, aCaller());

    const result = await app.gql(caller, MOVE_TASK, { id: ids[0], input: { projectId: foreign.id, position: 0 } });

    expectNotFound(result, 'input.projectId');
    expect(await projectOrder(app, caller, project.id)).toEqual(denseOrder(ids));
  });

  it('when the position is negative, then BAD_USER_INPUT names input.position and nothing moves', async () => {
    const caller = aCaller();
    const { project, ids } = await aProjectWithTasks(caller, 3);

    const result = await app.gql(caller, MOVE_TASK, { id: ids[2], input: { position: -1 } });

    expectBadUserInput(result, 'input.position');
    expect(await projectOrder(app, caller, project.id)).toEqual(denseOrder(ids));
    expect((await readTask(app, caller, ids[2]!)).version).toBe(1);
  });

  it('when expectedVersion is stale, then CONFLICT and nothing moves', async () => {
    const caller = aCaller();
    const { project, ids } = await aProjectWithTasks(caller, 3);
    await move(caller, ids[0]!, { position: 0 });

    const result = await app.gql(caller, MOVE_TASK, { id: ids[0], input: { position: 2 }, expectedVersion: 1 });

    expect(onlyError(result).extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    expect(await projectOrder(app, caller, project.id)).toEqual(denseOrder(ids));
  });

  it("when the task belongs to another org, then NOT_FOUND names id and the owner's order is unchanged", async () => {
    const owner = aCaller();
    const { project, ids } = await aProjectWithTasks(owner, 3);

    const result = await app.gql(aCaller(), MOVE_TASK, { id: ids[2], input: { position: 0 } });

    expectNotFound(result, 'id');
    expect(await projectOrder(app, owner, project.id)).toEqual(denseOrder(ids));
  });
});
