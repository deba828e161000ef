import { afterAll, beforeAll, expect, it } from 'vitest';
import { aCaller, createProject, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';
import { CREATE_TASKS } from './task-api.js';
let app: TestPlanningApp;
beforeAll(async () => { app = await startTestPlanningApp(); });
afterAll(async () => app?.close());
it('probe bulk', { timeout: 90_000 }, async () => {
  const errors: unknown[] = [];
  for (let round = 0; round < 30; round++) {
    const caller = aCaller();
    const [p, q] = [await createProject(app, caller), await createProject(app, caller)];
    const a = Array.from({ length: 20 }, (_, i) => ({ title: `a${i}`, projectId: i < 10 ? p.id : q.id }));
    const b = Array.from({ length: 20 }, (_, i) => ({ title: `b${i}`, projectId: i < 10 ? q.id : p.id }));
    const results = await Promise.all([a, b, a, b, b].map((inputs) => app.gql(caller, CREATE_TASKS, { inputs })));
    for (const r of results) if (r.errors) errors.push(r.errors[0]!.extensions?.stacktrace?.[0] ?? r.errors[0]!.message);
  }
  console.log(errors);
  expect(errors).toEqual([]);
});
