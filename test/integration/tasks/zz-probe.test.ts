import { afterAll, beforeAll, expect, it } from 'vitest';
import { aCaller, createProject, createTasks, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';
import { MOVE_TASK } from './task-api.js';
let app: TestPlanningApp;
beforeAll(async () => { app = await startTestPlanningApp(); });
afterAll(async () => app?.close());
it('probe', { timeout: 90_000 }, async () => {
  const errors: unknown[] = [];
  for (let round = 0; round < 3; round++) {
    const caller = aCaller();
    const project = await createProject(app, caller);
    const tasks = await createTasks(app, caller, 8, () => ({ projectId: project.id }));
    const results = await Promise.all(tasks.slice(3).map((t, i) => app.gql(caller, MOVE_TASK, { id: t.id, input: { position: i % 2 ? 0 : 7 } })));
    for (const r of results) if (r.errors) errors.push(r.errors);
    console.log('round', round, Date.now());
  }
  console.log(JSON.stringify(errors.slice(0, 3), null, 1), errors.length);
  expect(errors).toEqual([]);
});
