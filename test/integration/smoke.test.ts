import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCaller, createProject, createTask, startTestPlanningApp, type TestPlanningApp } from '../testkit/planning-app.js';

describe('planning subgraph smoke', () => {
  let app: TestPlanningApp;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());

  it('when a member creates a project and a task in it, then the task reads back with its project', async () => {
    const caller = aCaller();
    const project = await createProject(app, caller, { name: 'Launch' });
    const task = await createTask(app, caller, { title: 'Write docs', projectId: project.id, priority: 'HIGH', tags: ['docs'] });
    expect(task).toMatchObject({ title: 'Write docs', priority: 'HIGH', status: 'PENDING', version: 1, position: 0 });
    expect(task.project).toEqual({ id: project.id, name: 'Launch' });
    const data = await app.ok(caller, 'query($id: ID!) { task(id: $id) { id tags owner { id } } }', { id: task.id });
    expect(data.task).toEqual({ id: task.id, tags: ['docs'], owner: { id: caller.userId } });
  });
});
