import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCaller, createProject, createTask, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';
import { CREATE_TASK, CREATE_TASKS, UPDATE_TASK, countTasks, expectBadUserInput, expectNotFound, readTask } from './task-api.js';

describe('subtasks', () => {
  let app: TestPlanningApp;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());

  it('when subtasks are created with parentId, then the parent lists them in position order and counts them', async () => {
    const caller = aCaller();
    const parent = await createTask(app, caller, { title: 'Parent' });
    const children = [];
    for (const title of ['First', 'Second', 'Third']) children.push(await createTask(app, caller, { title, parentId: parent.id }));

    const read = await readTask(app, caller, parent.id);

    expect(read.subtaskCount).toBe(3);
    expect(read.subtasks.map((t: { id: string }) => t.id)).toEqual(children.map((t) => t.id));
    const positions = read.subtasks.map((t: { position: number }) => t.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    for (const child of children) expect(child.parent).toEqual({ id: parent.id });
    expect(parent.subtaskCount).toBe(0);
  });

  it('when a parent is read with its subtasks, then each subtask knows its parent and own subtask count', async () => {
    const caller = aCaller();
    const parent = await createTask(app, caller);
    const child = await createTask(app, caller, { parentId: parent.id });
    await createTask(app, caller, { parentId: child.id });

    const data = await app.ok(
      caller,
      'query($id: ID!) { task(id: $id) { subtasks { id parent { id } subtaskCount subtasks { parent { id } } } } }',
      { id: parent.id },
    );

    expect(data.task.subtasks).toEqual([
      { id: child.id, parent: { id: parent.id }, subtaskCount: 1, subtasks: [{ parent: { id: child.id } }] },
    ]);
  });

  it("when a subtask gives no projectId, then it lives in its parent's project", async () => {
    const caller = aCaller();
    const project = await createProject(app, caller);
    const parent = await createTask(app, caller, { projectId: project.id });

    const child = await createTask(app, caller, { parentId: parent.id });

    expect(child.project).toMatchObject({ id: project.id });
    expect(child.position).toBe(1);
  });

  it('when a subtask names a project of its own, then that project wins over the parent\'s', async () => {
    const caller = aCaller();
    const [parentProject, ownProject] = [await createProject(app, caller), await createProject(app, caller)];
    const parent = await createTask(app, caller, { projectId: parentProject.id });

    const child = await createTask(app, caller, { parentId: parent.id, projectId: ownProject.id });

    expect(child.project).toMatchObject({ id: ownProject.id });
    expect(child.position).toBe(0);
  });

  it("when the parent belongs to another org, then NOT_FOUND names input.parentId and nothing is written", async () => {
    const owner = aCaller();
    const foreignParent = await createTask(app, owner);
    const caller = aCaller();

    const result = await app.gql(caller, CREATE_TASK, { input: { title: 'Adopted', parentId: foreignParent.id } });

    expectNotFound(result, 'input.parentId');
    expect(await countTasks(app, caller)).toBe(0);
    expect((await readTask(app, owner, foreignParent.id)).subtaskCount).toBe(0);
  });

  it("when a bulk item's parent belongs to another org, then NOT_FOUND names that item's parentId", async () => {
    const foreignParent = await createTask(app, aCaller());
    const caller = aCaller();
    const inputs = [{ title: 'ok' }, { title: 'adopted', parentId: foreignParent.id }];

    const result = await app.gql(caller, CREATE_TASKS, { inputs });

    expectNotFound(result, 'inputs.1.parentId');
    expect(await countTasks(app, caller)).toBe(0);
  });

  it('when a task is made its own parent, then BAD_USER_INPUT names input.parentId and nothing changes', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller, { title: 'Self' });

    const result = await app.gql(caller, UPDATE_TASK, { id: task.id, input: { title: 'Changed', parentId: task.id } });

    expectBadUserInput(result, 'input.parentId');
    expect(await readTask(app, caller, task.id)).toMatchObject({ title: 'Self', parent: null, version: 1 });
  });

  it.each([
    ['its child', 0],
    ['its grandchild', 1],
  ])('when a task is made a subtask of %s, then BAD_USER_INPUT names input.parentId and nothing changes', async (_case, depth) => {
    const caller = aCaller();
    const root = await createTask(app, caller, { title: 'Root' });
    const child = await createTask(app, caller, { parentId: root.id });
    const grandchild = await createTask(app, caller, { parentId: child.id });
    const descendant = [child, grandchild][depth]!;

    const result = await app.gql(caller, UPDATE_TASK, { id: root.id, input: { parentId: descendant.id } });

    expectBadUserInput(result, 'input.parentId');
    expect(await readTask(app, caller, root.id)).toMatchObject({ parent: null, version: 1 });
    expect((await readTask(app, caller, child.id)).parent).toEqual({ id: root.id });
    expect((await readTask(app, caller, grandchild.id)).parent).toEqual({ id: child.id });
  });

  it('when a subtask is moved under an unrelated task, then it leaves the old parent and joins the new one', async () => {
    const caller = aCaller();
    const [oldParent, newParent] = [await createTask(app, caller), await createTask(app, caller)];
    const child = await createTask(app, caller, { parentId: oldParent.id });

    const updated = (await app.ok(caller, UPDATE_TASK, { id: child.id, input: { parentId: newParent.id } })).updateTask;

    expect(updated).toMatchObject({ parent: { id: newParent.id }, version: 2 });
    expect((await readTask(app, caller, oldParent.id)).subtaskCount).toBe(0);
    expect((await readTask(app, caller, newParent.id)).subtasks.map((t: { id: string }) => t.id)).toEqual([child.id]);
  });

  it('when parentId is set to null, then the subtask becomes a top-level task', async () => {
    const caller = aCaller();
    const parent = await createTask(app, caller);
    const child = await createTask(app, caller, { parentId: parent.id });

    const updated = (await app.ok(caller, UPDATE_TASK, { id: child.id, input: { parentId: null } })).updateTask;

    expect(updated.parent).toBeNull();
    expect((await readTask(app, caller, parent.id)).subtaskCount).toBe(0);
    expect(await countTasks(app, caller, { topLevel: true })).toBe(2);
  });

  it("when the new parent belongs to another org, then NOT_FOUND names input.parentId and nothing changes", async () => {
    const foreign = await createTask(app, aCaller());
    const caller = aCaller();
    const task = await createTask(app, caller);

    const result = await app.gql(caller, UPDATE_TASK, { id: task.id, input: { parentId: foreign.id } });

    expectNotFound(result, 'input.parentId');
    expect(await readTask(app, caller, task.id)).toMatchObject({ parent: null, version: 1 });
  });

  it('when tasks are filtered by parentId, then only the direct subtasks are counted', async () => {
    const caller = aCaller();
    const parent = await createTask(app, caller);
    const child = await createTask(app, caller, { parentId: parent.id });
    await createTask(app, caller, { parentId: parent.id });
    await createTask(app, caller, { parentId: child.id });

    expect(await countTasks(app, caller, { parentId: parent.id })).toBe(2);
    expect(await countTasks(app, caller, { topLevel: false })).toBe(3);
  });
});
