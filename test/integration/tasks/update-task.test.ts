import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCaller, createProject, createTask, startTestPlanningApp, type TestCaller, type TestPlanningApp } from '../../testkit/planning-app.js';
import { UPDATE_TASK, denseOrder, expectNotFound, onlyError, projectOrder, readTask, unassignedOrder } from './task-api.js';

/** Fields that an update may change as a side effect of any change. */
const withoutBookkeeping = ({ version: _v, updatedAt: _u, ...rest }: Record<string, unknown>) => rest;

describe('updateTask', () => {
  let app: TestPlanningApp;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());

  const update = async (caller: TestCaller, id: string, input: Record<string, unknown>, expectedVersion?: number) =>
    (await app.ok(caller, UPDATE_TASK, { id, input, expectedVersion })).updateTask;

  const aFullTask = async (caller: TestCaller) => {
    const project = await createProject(app, caller);
    return createTask(app, caller, {
      title: 'Original',
      description: 'Original description',
      status: 'IN_PROGRESS',
      priority: 'HIGH',
      dueDate: '2026-12-01T09:00:00Z',
      estimatedMinutes: 30,
      actualMinutes: 5,
      energyRequired: 'LOW',
      tags: ['one', 'two'],
      metadata: { source: 'api', campaignId: 'camp-1' },
      assigneeId: 'user-someone',
      projectId: project.id,
    });
  };

  it('when only the title is given, then the title changes and every other field stays as it was', async () => {
    const caller = aCaller();
    const task = await aFullTask(caller);

    const updated = await update(caller, task.id, { title: 'Renamed' });

    expect(updated.title).toBe('Renamed');
    expect(withoutBookkeeping(updated)).toEqual({ ...withoutBookkeeping(task), title: 'Renamed' });
    expect(withoutBookkeeping(await readTask(app, caller, task.id))).toMatchObject({ ...withoutBookkeeping(task), title: 'Renamed' });
  });

  it('when each plain field is changed, then the new values are stored and read back', async () => {
    const caller = aCaller();
    const task = await aFullTask(caller);

    const changes = {
      description: 'New description',
      priority: 'LOW',
      dueDate: '2027-01-15T08:30:00-03:00',
      estimatedMinutes: 90,
      actualMinutes: 60,
      energyRequired: 'MEDIUM',
      tags: ['x', 'y', 'x'],
      metadata: { workflowId: 'wf-9' },
      assigneeId: 'user-other',
    };
    const updated = await update(caller, task.id, changes);

    const expected = {
      description: 'New description',
      priority: 'LOW',
      dueDate: '2027-01-15T11:30:00.000Z',
      estimatedMinutes: 90,
      actualMinutes: 60,
      energyRequired: 'MEDIUM',
      tags: ['x', 'y'],
      metadata: { workflowId: 'wf-9' },
      assignee: { id: 'user-other' },
      title: task.title,
      status: task.status,
      version: 2,
    };
    expect(updated).toMatchObject(expected);
    expect(await readTask(app, caller, task.id)).toMatchObject(expected);
  });

  it('when metadata is given, then it replaces the old object instead of merging into it', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller, { metadata: { source: 'api', callId: 'c-1' } });

    const updated = await update(caller, task.id, { metadata: { campaignId: 'camp-2' } });

    expect(updated.metadata).toEqual({ campaignId: 'camp-2' });
  });

  it('when nullable fields are set to null, then they are cleared and the rest is kept', async () => {
    const caller = aCaller();
    const task = await aFullTask(caller);

    const updated = await update(caller, task.id, {
      description: null,
      dueDate: null,
      estimatedMinutes: null,
      actualMinutes: null,
      energyRequired: null,
      assigneeId: null,
      projectId: null,
    });

    const cleared = {
      description: null,
      dueDate: null,
      estimatedMinutes: null,
      actualMinutes: null,
      energyRequired: null,
      assignee: null,
      project: null,
      title: task.title,
      priority: task.priority,
      status: task.status,
      tags: task.tags,
      metadata: task.metadata,
    };
    expect(updated).toMatchObject(cleared);
    expect(await readTask(app, caller, task.id)).toMatchObject(cleared);
  });

  it('when the task changes three times, then its version goes up by exactly one each time', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller);

    const versions = [];
    for (const priority of ['LOW', 'HIGH', 'URGENT']) versions.push((await update(caller, task.id, { priority })).version);

    expect(task.version).toBe(1);
    expect(versions).toEqual([2, 3, 4]);
    expect((await readTask(app, caller, task.id)).version).toBe(4);
  });

  it('when an update changes something, then updatedAt moves forward and createdAt stays', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller);

    const updated = await update(caller, task.id, { title: 'Later' });

    expect(updated.createdAt).toBe(task.createdAt);
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(task.updatedAt));
  });

  it('when an update repeats the stored values, then nothing changes: same version and updatedAt', async () => {
    const caller = aCaller();
    const task = await aFullTask(caller);

    const same = await update(caller, task.id, {
      title: task.title,
      description: task.description,
      status: task.status,
      priority: task.priority,
      dueDate: '2026-12-01T10:00:00+01:00', // the same instant in another zone
      estimatedMinutes: task.estimatedMinutes,
      energyRequired: task.energyRequired,
      tags: task.tags,
      metadata: task.metadata,
      assigneeId: task.assignee.id,
      projectId: task.project.id,
    });

    expect(same).toEqual(task);
    expect(await readTask(app, caller, task.id)).toMatchObject({ version: 1, updatedAt: task.updatedAt, position: task.position });
  });

  it('when the input is empty, then nothing changes', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller);

    const same = await update(caller, task.id, {});

    expect(same).toEqual(task);
  });

  it('when the status is set to COMPLETED, then completedAt is set; when it moves on to IN_PROGRESS, then it is cleared', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller);

    const completed = await update(caller, task.id, { status: 'COMPLETED' });
    const resumed = await update(caller, task.id, { status: 'IN_PROGRESS' });

    expect(completed).toMatchObject({ status: 'COMPLETED', version: 2 });
    expect(Date.parse(completed.completedAt)).toBeGreaterThanOrEqual(Date.parse(task.createdAt));
    expect(resumed).toMatchObject({ status: 'IN_PROGRESS', completedAt: null, version: 3 });
  });

  it('when the projectId changes, then the task goes to the end of the new project', async () => {
    const caller = aCaller();
    const [from, to] = [await createProject(app, caller), await createProject(app, caller)];
    const moving = await createTask(app, caller, { projectId: from.id });
    const stays = await createTask(app, caller, { projectId: from.id });
    const existing = [];
    for (let i = 0; i < 3; i++) existing.push(await createTask(app, caller, { projectId: to.id }));

    const updated = await update(caller, moving.id, { projectId: to.id });

    expect(updated).toMatchObject({ project: { id: to.id }, position: 3, version: 2 });
    expect(await projectOrder(app, caller, to.id)).toEqual(denseOrder([...existing.map((t) => t.id), moving.id]));
    expect((await projectOrder(app, caller, from.id)).map((t) => t.id)).toEqual([stays.id]);
  });

  it('when the projectId is set to null, then the task goes to the end of the tasks without a project', async () => {
    const caller = aCaller();
    const project = await createProject(app, caller);
    const loose = [await createTask(app, caller), await createTask(app, caller)];
    const task = await createTask(app, caller, { projectId: project.id });

    const updated = await update(caller, task.id, { projectId: null });

    expect(updated).toMatchObject({ project: null, position: 2 });
    expect(await unassignedOrder(app, caller)).toEqual(denseOrder([...loose.map((t) => t.id), task.id]));
  });

  it('when expectedVersion matches, then the update applies and the version goes up by one', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller);
    const second = await update(caller, task.id, { title: 'v2' });

    const third = await update(caller, task.id, { title: 'v3' }, second.version);

    expect(third).toMatchObject({ title: 'v3', version: second.version + 1 });
  });

  it('when expectedVersion is stale, then CONFLICT carries the current version and nothing changes', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller, { title: 'Before' });
    const current = await update(caller, task.id, { priority: 'HIGH' });

    const result = await app.gql(caller, UPDATE_TASK, { id: task.id, input: { title: 'Lost update' }, expectedVersion: task.version });

    const error = onlyError(result);
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: current.version, expectedVersion: task.version });
    expect(result.data ?? null).toBeNull();
    expect(await readTask(app, caller, task.id)).toMatchObject({ title: 'Before', version: current.version, updatedAt: current.updatedAt });
  });

  it('when the new project does not exist, then NOT_FOUND names input.projectId and the task is unchanged', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller, { title: 'Stay' });

    const result = await app.gql(caller, UPDATE_TASK, {
      id: task.id,
      input: { title: 'Changed', projectId: '00000000-0000-4000-8000-000000000000' },
    });

    expectNotFound(result, 'input.projectId');
    expect(await readTask(app, caller, task.id)).toMatchObject({ title: 'Stay', project: null, version: 1 });
  });

  it("when the task belongs to another org, then NOT_FOUND names id and the owner's task is unchanged", async () => {
    const owner = aCaller();
    const task = await createTask(app, owner, { title: 'Mine' });

    const result = await app.gql(aCaller(), UPDATE_TASK, { id: task.id, input: { title: 'Yours now' } });

    expectNotFound(result, 'id');
    expect(await readTask(app, owner, task.id)).toMatchObject({ title: 'Mine', version: 1 });
  });
});
