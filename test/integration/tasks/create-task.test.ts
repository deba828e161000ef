import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCaller, createProject, createTask, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';
import { CREATE_TASK, countTasks, denseOrder, expectNotFound, projectOrder, readTask, unassignedOrder } from './task-api.js';

describe('createTask', () => {
  let app: TestPlanningApp;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());

  it('when every field is given, then the task is returned and reads back with each of them', async () => {
    const caller = aCaller();
    const project = await createProject(app, caller, { name: 'Launch' });
    const before = Date.now();

    const created = await createTask(app, caller, {
      title: 'Prepare the launch call',
      description: 'Agenda, attendees and dial-in',
      status: 'IN_PROGRESS',
      priority: 'URGENT',
      dueDate: '2026-11-25T17:00:00+02:00',
      estimatedMinutes: 45,
      actualMinutes: 10,
      energyRequired: 'HIGH',
      tags: ['call', 'launch', 'call', 'prep', 'launch'],
      metadata: { source: 'api', callId: 'call-17', nested: { steps: [1, 2, 3], ok: true } },
      assigneeId: 'user-assignee.1',
      projectId: project.id,
    });

    const expected = {
      title: 'Prepare the launch call',
      description: 'Agenda, attendees and dial-in',
      status: 'IN_PROGRESS',
      priority: 'URGENT',
      dueDate: '2026-11-25T15:00:00.000Z',
      completedAt: null,
      estimatedMinutes: 45,
      actualMinutes: 10,
      energyRequired: 'HIGH',
      tags: ['call', 'launch', 'prep'],
      position: 0,
      project: { id: project.id, name: 'Launch' },
      parent: null,
      subtaskCount: 0,
      owner: { id: caller.userId },
      assignee: { id: 'user-assignee.1' },
      metadata: { source: 'api', callId: 'call-17', nested: { steps: [1, 2, 3], ok: true } },
      version: 1,
    };
    expect(created).toMatchObject(expected);
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(Date.parse(created.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(created.updatedAt).toBe(created.createdAt);

    const read = await readTask(app, caller, created.id);
    expect(read).toMatchObject({ ...expected, id: created.id, createdAt: created.createdAt, subtasks: [] });
  });

  it('when only a title is given, then the defaults apply (PENDING, MEDIUM, empty tags and metadata, no links)', async () => {
    const caller = aCaller();

    const task = await createTask(app, caller, { title: 'Just a title' });

    expect(task).toMatchObject({
      title: 'Just a title',
      description: null,
      status: 'PENDING',
      priority: 'MEDIUM',
      dueDate: null,
      completedAt: null,
      estimatedMinutes: null,
      actualMinutes: null,
      energyRequired: null,
      tags: [],
      position: 0,
      project: null,
      parent: null,
      assignee: null,
      owner: { id: caller.userId },
      metadata: {},
      version: 1,
    });
  });

  it.each([
    ['a positive offset', '2026-11-25T17:00:00+02:00', '2026-11-25T15:00:00.000Z'],
    ['a negative offset without colon', '2026-11-25T17:00:00-0530', '2026-11-25T22:30:00.000Z'],
    ['Z', '2026-11-25T17:00:00Z', '2026-11-25T17:00:00.000Z'],
    ['no zone (read as UTC)', '2026-11-25T17:00:00', '2026-11-25T17:00:00.000Z'],
    ['a date alone (midnight UTC)', '2026-11-25', '2026-11-25T00:00:00.000Z'],
    ['an offset crossing the month', '2026-03-01T01:00:00+02:00', '2026-02-28T23:00:00.000Z'],
    ['fractional seconds on a leap day', '2028-02-29T12:00:00.123456+00:00', '2028-02-29T12:00:00.123Z'],
  ])('when dueDate carries %s, then it is stored as the UTC instant in ISO form', async (_case, dueDate, utc) => {
    const caller = aCaller();

    const task = await createTask(app, caller, { dueDate });

    expect(task.dueDate).toBe(utc);
    expect((await readTask(app, caller, task.id)).dueDate).toBe(utc);
  });

  it('when tasks are added to a project one after another, then each is appended at the end (0, 1, 2)', async () => {
    const caller = aCaller();
    const project = await createProject(app, caller);

    const first = await createTask(app, caller, { projectId: project.id });
    const second = await createTask(app, caller, { projectId: project.id });
    const third = await createTask(app, caller, { projectId: project.id });

    expect([first.position, second.position, third.position]).toEqual([0, 1, 2]);
    expect(await projectOrder(app, caller, project.id)).toEqual(denseOrder([first.id, second.id, third.id]));
  });

  it('when ten tasks are created in one project at the same time, then they get the distinct positions 0..9', async () => {
    const caller = aCaller();
    const project = await createProject(app, caller);

    const created = await Promise.all(Array.from({ length: 10 }, () => createTask(app, caller, { projectId: project.id })));

    expect(created.map((t) => t.position).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await projectOrder(app, caller, project.id)).map((t) => t.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('when tasks go to two projects and to no project, then each scope numbers its positions from 0', async () => {
    const caller = aCaller();
    const [alpha, beta] = [await createProject(app, caller), await createProject(app, caller)];

    const a0 = await createTask(app, caller, { projectId: alpha.id });
    const loose0 = await createTask(app, caller);
    const b0 = await createTask(app, caller, { projectId: beta.id });
    const a1 = await createTask(app, caller, { projectId: alpha.id });
    const loose1 = await createTask(app, caller);

    expect(await projectOrder(app, caller, alpha.id)).toEqual(denseOrder([a0.id, a1.id]));
    expect(await projectOrder(app, caller, beta.id)).toEqual(denseOrder([b0.id]));
    expect(await unassignedOrder(app, caller)).toEqual(denseOrder([loose0.id, loose1.id]));
  });

  it('when another org already has tasks in its projects, then positions in this org still start at 0', async () => {
    const other = aCaller();
    await createTask(app, other);
    await createTask(app, other);
    const caller = aCaller();

    const task = await createTask(app, caller);

    expect(task.position).toBe(0);
  });

  it('when a task is created already COMPLETED, then completedAt is set to the creation time', async () => {
    const caller = aCaller();

    const task = await createTask(app, caller, { status: 'COMPLETED' });

    expect(task.status).toBe('COMPLETED');
    expect(task.completedAt).toBe(task.createdAt);
  });

  it('when the title has surrounding spaces and is 500 characters inside them, then it is accepted and stored trimmed', async () => {
    const caller = aCaller();
    const title = 'x'.repeat(500);

    const task = await createTask(app, caller, { title: `  ${title}  ` });

    expect(task.title).toBe(title);
  });

  it("when the task names another org's project, then NOT_FOUND names input.projectId and no task is written", async () => {
    const owner = aCaller();
    const foreignProject = await createProject(app, owner);
    const caller = aCaller();

    const result = await app.gql(caller, CREATE_TASK, { input: { title: 'Sneaky', projectId: foreignProject.id } });

    expectNotFound(result, 'input.projectId');
    expect(await countTasks(app, caller)).toBe(0);
    expect(await projectOrder(app, owner, foreignProject.id)).toEqual([]);
  });

  it('when the project id is well-formed but unknown, then NOT_FOUND names input.projectId', async () => {
    const caller = aCaller();

    const result = await app.gql(caller, CREATE_TASK, {
      input: { title: 'Orphan', projectId: '00000000-0000-4000-8000-000000000000' },
    });

    expectNotFound(result, 'input.projectId');
    expect(await countTasks(app, caller)).toBe(0);
  });
});
