import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCaller, createProject, createTask, startTestPlanningApp, type TestCaller, type TestPlanningApp } from '../../testkit/planning-app.js';
import { COMPLETE_TASK, REOPEN_TASK, UPDATE_TASK, expectBadUserInput, expectNotFound, onlyError, readTask } from './task-api.js';

describe('completeTask and reopenTask', () => {
  let app: TestPlanningApp;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());

  const complete = async (caller: TestCaller, id: string, actualMinutes?: number) =>
    (await app.ok(caller, COMPLETE_TASK, { id, actualMinutes })).completeTask;
  const reopen = async (caller: TestCaller, id: string) => (await app.ok(caller, REOPEN_TASK, { id })).reopenTask;

  it('when a task is completed with actualMinutes, then it is COMPLETED with completedAt and the minutes, one version on', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller, { status: 'IN_PROGRESS' });
    const before = Date.now();

    const completed = await complete(caller, task.id, 35);

    expect(completed).toMatchObject({ status: 'COMPLETED', actualMinutes: 35, version: task.version + 1 });
    expect(Date.parse(completed.completedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(completed.completedAt)).toBeLessThanOrEqual(Date.now() + 1000);
    expect(await readTask(app, caller, task.id)).toMatchObject({
      status: 'COMPLETED',
      actualMinutes: 35,
      completedAt: completed.completedAt,
    });
  });

  it('when a task is completed without actualMinutes, then earlier actual minutes are kept', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller, { actualMinutes: 12 });

    const completed = await complete(caller, task.id);

    expect(completed).toMatchObject({ status: 'COMPLETED', actualMinutes: 12 });
    expect(completed.completedAt).not.toBeNull();
  });

  it('when a completed task is completed again, then nothing changes: same version and completedAt', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller);
    const first = await complete(caller, task.id, 20);

    const second = await complete(caller, task.id, 20);

    expect(second).toEqual(first);
    expect(await readTask(app, caller, task.id)).toMatchObject({ version: first.version, completedAt: first.completedAt });
  });

  it('when a completed task is reopened, then it is PENDING with completedAt cleared, one version on', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller);
    const completed = await complete(caller, task.id, 15);

    const reopened = await reopen(caller, task.id);

    expect(reopened).toMatchObject({ status: 'PENDING', completedAt: null, version: completed.version + 1 });
    expect(await readTask(app, caller, task.id)).toMatchObject({ status: 'PENDING', completedAt: null });
  });

  it('when an archived task is reopened, then it is PENDING again', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller, { status: 'ARCHIVED' });

    const reopened = await reopen(caller, task.id);

    expect(reopened).toMatchObject({ status: 'PENDING', completedAt: null, version: 2 });
  });

  it('when an open task is reopened, then nothing changes', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller, { status: 'IN_PROGRESS' });

    const same = await reopen(caller, task.id);

    expect(same).toEqual(task);
  });

  it('when a task is completed, reopened and completed again, then completedAt is set anew each time', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller);

    const first = await complete(caller, task.id);
    await reopen(caller, task.id);
    const again = await complete(caller, task.id);

    expect(again).toMatchObject({ status: 'COMPLETED', version: 4 });
    expect(Date.parse(again.completedAt)).toBeGreaterThanOrEqual(Date.parse(first.completedAt));
  });

  it("when tasks of a project are completed and reopened, then the project's completedTaskCount follows", async () => {
    const caller = aCaller();
    const project = await createProject(app, caller);
    const [a, b] = [await createTask(app, caller, { projectId: project.id }), await createTask(app, caller, { projectId: project.id })];
    const counts = async () =>
      (await app.ok(caller, 'query($id: ID!) { project(id: $id) { taskCount completedTaskCount } }', { id: project.id })).project;

    await complete(caller, a.id);
    await complete(caller, b.id);
    const bothDone = await counts();
    await reopen(caller, a.id);
    const oneDone = await counts();

    expect(bothDone).toEqual({ taskCount: 2, completedTaskCount: 2 });
    expect(oneDone).toEqual({ taskCount: 2, completedTaskCount: 1 });
  });

  it('when completeTask has a stale expectedVersion, then CONFLICT carries the current version and the task stays open', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller);
    await app.ok(caller, UPDATE_TASK, { id: task.id, input: { title: 'Edited meanwhile' } });

    const result = await app.gql(caller, COMPLETE_TASK, { id: task.id, expectedVersion: 1 });

    expect(onlyError(result).extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    expect(await readTask(app, caller, task.id)).toMatchObject({ status: 'PENDING', completedAt: null, version: 2 });
  });

  it('when reopenTask has a stale expectedVersion, then CONFLICT and the task stays completed', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller);
    const completed = await complete(caller, task.id);

    const result = await app.gql(caller, REOPEN_TASK, { id: task.id, expectedVersion: 1 });

    expect(onlyError(result).extensions).toMatchObject({ code: 'CONFLICT', currentVersion: completed.version });
    expect(await readTask(app, caller, task.id)).toMatchObject({ status: 'COMPLETED', completedAt: completed.completedAt });
  });

  it('when actualMinutes is negative, then BAD_USER_INPUT names actualMinutes and the task stays open', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller);

    const result = await app.gql(caller, COMPLETE_TASK, { id: task.id, actualMinutes: -5 });

    expectBadUserInput(result, 'actualMinutes');
    expect(await readTask(app, caller, task.id)).toMatchObject({ status: 'PENDING', version: 1 });
  });

  it("when the task belongs to another org, then completeTask and reopenTask answer NOT_FOUND naming id", async () => {
    const owner = aCaller();
    const task = await createTask(app, owner);
    const stranger = aCaller();

    expectNotFound(await app.gql(stranger, COMPLETE_TASK, { id: task.id }), 'id');
    expectNotFound(await app.gql(stranger, REOPEN_TASK, { id: task.id }), 'id');
    expect(await readTask(app, owner, task.id)).toMatchObject({ status: 'PENDING', version: 1 });
  });
});
