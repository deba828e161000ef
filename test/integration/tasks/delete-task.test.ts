import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCaller, createProject, createTask, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';
import { DELETE_TASK, GET_TASK, countTasks, expectBadUserInput, expectNotFound, projectOrder, readTask } from './task-api.js';

describe('deleteTask', () => {
  let app: TestPlanningApp;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());

  it('when a task with subtasks and sub-subtasks is deleted, then all of them are gone and others stay', async () => {
    const caller = aCaller();
    const parent = await createTask(app, caller, { title: 'Parent' });
    const child = await createTask(app, caller, { parentId: parent.id });
    const grandchild = await createTask(app, caller, { parentId: child.id });
    const bystander = await createTask(app, caller, { title: 'Unrelated' });

    const data = await app.ok(caller, DELETE_TASK, { id: parent.id });

    expect(data.deleteTask).toEqual({ deletedId: parent.id });
    for (const id of [parent.id, child.id, grandchild.id]) {
      expect((await app.ok(caller, GET_TASK, { id })).task).toBeNull();
    }
    expect((await readTask(app, caller, bystander.id)).id).toBe(bystander.id);
    expect(await countTasks(app, caller)).toBe(1);
  });

  it('when a subtask is deleted, then its parent stays with one subtask fewer', async () => {
    const caller = aCaller();
    const parent = await createTask(app, caller);
    const [keep, drop] = [await createTask(app, caller, { parentId: parent.id }), await createTask(app, caller, { parentId: parent.id })];

    await app.ok(caller, DELETE_TASK, { id: drop.id });

    const read = await readTask(app, caller, parent.id);
    expect(read.subtaskCount).toBe(1);
    expect(read.subtasks.map((t: { id: string }) => t.id)).toEqual([keep.id]);
  });

  it('when a task is deleted twice, then the second time answers NOT_FOUND naming id', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller);
    await app.ok(caller, DELETE_TASK, { id: task.id });

    const result = await app.gql(caller, DELETE_TASK, { id: task.id });

    const error = expectNotFound(result, 'id');
    expect(error.extensions?.id).toBe(task.id);
  });

  it("when the task belongs to another org, then NOT_FOUND names id and the task survives", async () => {
    const owner = aCaller();
    const task = await createTask(app, owner);

    const result = await app.gql(aCaller(), DELETE_TASK, { id: task.id });

    expectNotFound(result, 'id');
    expect((await readTask(app, owner, task.id)).id).toBe(task.id);
  });

  it('when the id is malformed, then BAD_USER_INPUT names id', async () => {
    const caller = aCaller();
    await createTask(app, caller);

    expectBadUserInput(await app.gql(caller, DELETE_TASK, { id: 'nope' }), 'id');
    expect(await countTasks(app, caller)).toBe(1);
  });

  it("when a task of a project is deleted, then the project's task list and count drop it", async () => {
    const caller = aCaller();
    const project = await createProject(app, caller);
    const [a, b] = [await createTask(app, caller, { projectId: project.id }), await createTask(app, caller, { projectId: project.id })];

    await app.ok(caller, DELETE_TASK, { id: a.id });

    expect((await projectOrder(app, caller, project.id)).map((t) => t.id)).toEqual([b.id]);
    const counts = await app.ok(caller, 'query($id: ID!) { project(id: $id) { taskCount } }', { id: project.id });
    expect(counts.project.taskCount).toBe(1);
  });
});
