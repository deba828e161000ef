import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessPlanningDataCache } from '../../../src/platform/cache/planning-data-cache.js';
import { REPORT_STATEMENTS } from '../../../src/modules/shadow/task-history.repository.js';
import { aCaller, createProject, createTask, createTasks, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';
import { DAY, HOUR, sql } from './shadow-testing.js';

const REPORT = `query($range: ReportRange, $timeZone: String) { productivityReport(range: $range, timeZone: $timeZone) {
  range timeZone from to createdCount completedCount completionRate trend
  weeks { weekStart created completedOfCreated completed completionRate }
  overdue { count taskIds tasks { id title } } postponed { count taskIds } reopened { count taskIds } stalled { count taskIds }
  estimates { tasks estimatedMinutes actualMinutes ratio overruns { count taskIds } }
  energyFit { level completed inPeakBand share taskIds } peakBand
  productiveHours { hour completed taskIds } productiveWeekdays { weekday completed taskIds }
  streaks { current longest activeDays taskIds }
  scopeGrowth { project { id name } added completed net taskIds }
  insights { kind message taskIds confidence value tasks { id } }
  computedAt
} }`;

/** Sets a task's history columns directly: the API stamps them with the present. */
async function rewrite(app: TestPlanningApp, id: string, columns: Record<string, unknown>) {
  const names = Object.keys(columns);
  await sql(app, `update planning_tasks set ${names.map((n) => `${n} = ?`).join(', ')} where id = ?`, [...Object.values(columns), id]);
}

describe('Shadow AI: the productivity report', () => {
  let app: TestPlanningApp;
  const dataCache = new InProcessPlanningDataCache();
  beforeAll(async () => {
    app = await startTestPlanningApp({ dataVersions: dataCache, features: { reportCache: dataCache } });
  });
  afterAll(async () => app?.close());

  const report = async (caller: ReturnType<typeof aCaller>, variables: Record<string, unknown> = {}) => (await app.ok(caller, REPORT, variables)).productivityReport;

  it('when a user has no tasks, then the report is empty and has no insights', async () => {
    const result = await report(aCaller());
    expect(result).toMatchObject({ range: 'LAST_30_DAYS', timeZone: 'UTC', createdCount: 0, completedCount: 0, completionRate: null, trend: 'UNKNOWN', insights: [], peakBand: null });
    expect(new Date(result.to).getTime() - new Date(result.from).getTime()).toBe(30 * DAY);
  });

  it('when tasks were completed at known hours and days, then the productive hours, weekdays, streaks and completion rate follow them', async () => {
    const caller = aCaller();
    const tasks = await createTasks(app, caller, 7);
    const base = new Date(Date.now() - 30 * 60_000);
    const hour = base.getUTCHours();
    // At the same hour today, yesterday, the day before and 10 days ago (a streak of 3), once 5 days ago 12 hours
    // later; two tasks stay open.
    const completions = [0, 1, 2, 10].map((daysAgo) => new Date(base.getTime() - daysAgo * DAY));
    completions.push(new Date(base.getTime() - 5 * DAY + 12 * HOUR));
    for (const [i, completedAt] of completions.entries()) {
      await rewrite(app, tasks[i]!.id, { status: 'COMPLETED', completed_at: completedAt, created_at: new Date(completedAt.getTime() - HOUR), updated_at: completedAt });
    }
    const result = await report(caller);
    expect(result.createdCount).toBe(7);
    expect(result.completedCount).toBe(5);
    expect(result.completionRate).toBeCloseTo(5 / 7, 4);
    expect(result.productiveHours[0]).toMatchObject({ hour, completed: 4 });
    expect(result.productiveHours[0].taskIds.sort()).toEqual(tasks.slice(0, 4).map((t) => t.id).sort());
    expect(result.productiveHours[1]).toMatchObject({ hour: (hour + 12) % 24, completed: 1, taskIds: [tasks[4]!.id] });
    expect(result.streaks).toMatchObject({ current: 3, longest: 3, activeDays: 5 });
    expect(result.productiveWeekdays.reduce((sum: number, d: { completed: number }) => sum + d.completed, 0)).toBe(5);
    const kinds = result.insights.map((i: { kind: string }) => i.kind);
    expect(kinds).toEqual(expect.arrayContaining(['COMPLETION_RATE', 'PRODUCTIVE_HOURS', 'PRODUCTIVE_WEEKDAYS', 'STREAK']));
    const hours = result.insights.find((i: { kind: string }) => i.kind === 'PRODUCTIVE_HOURS');
    expect(hours).toMatchObject({ value: hour, message: expect.stringContaining(`${hour}:00`) });
    expect(hours.confidence).toBeGreaterThan(0);
    const rate = result.insights.find((i: { kind: string }) => i.kind === 'COMPLETION_RATE');
    expect(rate.taskIds.sort()).toEqual([tasks[5]!.id, tasks[6]!.id].sort());
  });

  it('when hours are counted in another time zone, then they shift with it', async () => {
    const caller = aCaller();
    const [task] = await createTasks(app, caller, 1);
    const completedAt = new Date(Date.now() - DAY);
    completedAt.setUTCHours(22, 30, 0, 0);
    await rewrite(app, task!.id, { status: 'COMPLETED', completed_at: completedAt, created_at: new Date(completedAt.getTime() - HOUR) });
    expect((await report(caller)).productiveHours[0].hour).toBe(22);
    expect((await report(caller, { timeZone: 'Asia/Tokyo' })).productiveHours[0].hour).toBe(7);
  });

  it('when tasks are overdue, stalled, postponed twice and reopened, then the report cites each of them', async () => {
    const caller = aCaller();
    const overdue = await createTask(app, caller, { title: 'Overdue', dueDate: new Date(Date.now() - DAY).toISOString() });
    const stalled = await createTask(app, caller, { title: 'Stalled', status: 'IN_PROGRESS' });
    await rewrite(app, stalled.id, { updated_at: new Date(Date.now() - 8 * DAY) });
    const postponed = await createTask(app, caller, { title: 'Postponed', dueDate: new Date(Date.now() + DAY).toISOString() });
    for (const days of [2, 3]) {
      await app.ok(caller, `mutation($id: ID!, $due: DateTime) { updateTask(id: $id, input: {dueDate: $due}) { id } }`, { id: postponed.id, due: new Date(Date.now() + days * DAY).toISOString() });
    }
    // Moved earlier: not a postponement.
    const earlier = await createTask(app, caller, { title: 'Earlier', dueDate: new Date(Date.now() + 5 * DAY).toISOString() });
    for (const days of [4, 3]) await app.ok(caller, `mutation($id: ID!, $due: DateTime) { updateTask(id: $id, input: {dueDate: $due}) { id } }`, { id: earlier.id, due: new Date(Date.now() + days * DAY).toISOString() });
    const reopened = await createTask(app, caller, { title: 'Reopened' });
    await app.ok(caller, `mutation($id: ID!) { completeTask(id: $id) { id } }`, { id: reopened.id });
    await app.ok(caller, `mutation($id: ID!) { reopenTask(id: $id) { id } }`, { id: reopened.id });

    const result = await report(caller);
    expect(result.overdue).toEqual({ count: 1, taskIds: [overdue.id], tasks: [{ id: overdue.id, title: 'Overdue' }] });
    expect(result.stalled).toEqual({ count: 1, taskIds: [stalled.id] });
    expect(result.postponed).toEqual({ count: 1, taskIds: [postponed.id] });
    expect(result.reopened).toEqual({ count: 1, taskIds: [reopened.id] });
    const byKind = Object.fromEntries(result.insights.map((i: { kind: string }) => [i.kind, i]));
    expect(byKind.OVERDUE).toMatchObject({ taskIds: [overdue.id], tasks: [{ id: overdue.id }] });
    expect(byKind.POSTPONED).toMatchObject({ taskIds: [postponed.id], value: 1 });
    expect(byKind.REOPENED.taskIds).toEqual([reopened.id]);
    expect(byKind.STALLED.taskIds).toEqual([stalled.id]);
    // The most pressing come first.
    expect(result.insights[0].kind).toBe('OVERDUE');
  });

  it('when estimated tasks took longer, then the estimate accuracy says by how much and cites the overruns', async () => {
    const caller = aCaller();
    const tasks = await createTasks(app, caller, 3, (i) => ({ estimatedMinutes: 60, actualMinutes: [60, 120, 90][i] }));
    for (const task of tasks) await app.ok(caller, `mutation($id: ID!) { completeTask(id: $id) { id } }`, { id: task.id });
    const result = await report(caller);
    expect(result.estimates).toMatchObject({ tasks: 3, estimatedMinutes: 180, actualMinutes: 270, ratio: 1.5, overruns: { count: 2 } });
    expect(result.estimates.overruns.taskIds).toEqual([tasks[1]!.id, tasks[2]!.id]);
    const finding = result.insights.find((i: { kind: string }) => i.kind === 'ESTIMATE_ACCURACY');
    expect(finding).toMatchObject({ value: 1.5, message: expect.stringContaining('longer than estimated') });
  });

  it('when high-energy tasks are completed outside the peak part of the day, then the energy fit shows it', async () => {
    const caller = aCaller();
    const tasks = await createTasks(app, caller, 4, (i) => ({ energyRequired: i < 2 ? 'LOW' : 'HIGH' }));
    const morning = new Date(Date.now() - 2 * DAY);
    morning.setUTCHours(9, 0, 0, 0);
    const evening = new Date(morning.getTime() + 10 * HOUR);
    const times = [morning, new Date(morning.getTime() + HOUR), new Date(morning.getTime() + 2 * HOUR), evening];
    for (const [i, task] of tasks.entries()) await rewrite(app, task.id, { status: 'COMPLETED', completed_at: times[i], created_at: new Date(morning.getTime() - DAY) });
    const result = await report(caller);
    expect(result.peakBand).toBe('MORNING');
    expect(result.energyFit.find((e: { level: string }) => e.level === 'HIGH')).toEqual({ level: 'HIGH', completed: 2, inPeakBand: 1, share: 0.5, taskIds: [tasks[3]!.id] });
    expect(result.insights.find((i: { kind: string }) => i.kind === 'ENERGY_FIT')).toMatchObject({ value: 0.5, taskIds: [tasks[3]!.id] });
  });

  it('when a project grows faster than it is completed, then its scope growth is reported with the tasks added', async () => {
    const caller = aCaller();
    const project = await createProject(app, caller, { name: 'Growing' });
    const added = await createTasks(app, caller, 4, () => ({ projectId: project.id }));
    await app.ok(caller, `mutation($id: ID!) { completeTask(id: $id) { id } }`, { id: added[0]!.id });
    const result = await report(caller);
    expect(result.scopeGrowth).toEqual([{ project: { id: project.id, name: 'Growing' }, added: 4, completed: 1, net: 3, taskIds: expect.arrayContaining(added.map((t) => t.id)) }]);
    expect(result.insights.find((i: { kind: string }) => i.kind === 'SCOPE_GROWTH')).toMatchObject({ value: 3 });
  });

  it('when weekly completion rates fall week after week, then the trend is DOWN', async () => {
    const caller = aCaller();
    const tasks = await createTasks(app, caller, 12);
    // Four weeks back to this one: 3 tasks created in each, completed 3, 2, 1, 0.
    for (let week = 0; week < 4; week++) {
      for (let i = 0; i < 3; i++) {
        const task = tasks[week * 3 + i]!;
        const created = new Date(Date.now() - (3 - week) * 7 * DAY - HOUR);
        const done = i < 3 - week;
        await rewrite(app, task.id, { created_at: created, ...(done ? { status: 'COMPLETED', completed_at: new Date(created.getTime() + 60_000) } : {}) });
      }
    }
    const result = await report(caller, { range: 'LAST_90_DAYS' });
    expect(result.trend).toBe('DOWN');
    expect(result.insights.find((i: { kind: string }) => i.kind === 'COMPLETION_TREND')?.message).toMatch(/going down/);
  });

  it("when other users' and other orgs' tasks exist, then the report counts only the caller's (assigned to them, or theirs and unassigned)", async () => {
    const caller = aCaller();
    const colleague = aCaller({ orgId: caller.orgId });
    await createTasks(app, colleague, 3, () => ({ status: 'COMPLETED' }));
    await createTasks(app, aCaller({ userId: caller.userId }), 3, () => ({ status: 'COMPLETED' }));
    await createTask(app, colleague, { title: 'For the caller', assigneeId: caller.userId, dueDate: new Date(Date.now() - DAY).toISOString() });
    await createTask(app, caller, { title: 'Given away', assigneeId: colleague.userId, dueDate: new Date(Date.now() - DAY).toISOString() });
    const result = await report(caller);
    expect(result.createdCount).toBe(1);
    expect(result.completedCount).toBe(0);
    expect(result.overdue.count).toBe(1);
    expect(result.overdue.tasks[0].title).toBe('For the caller');
  });

  it(`when the report is computed, then it costs ${REPORT_STATEMENTS} statements whatever the history's size, and none while the org's tasks are unchanged`, async () => {
    const small = aCaller();
    const large = aCaller();
    await createTasks(app, small, 5, () => ({ status: 'COMPLETED' }));
    for (let batch = 0; batch < 4; batch++) await createTasks(app, large, 100, (i) => ({ status: i % 2 ? 'COMPLETED' : 'PENDING', dueDate: new Date(Date.now() - DAY).toISOString() }));
    const cost = async (caller: ReturnType<typeof aCaller>) => {
      app.queries.reset();
      await report(caller, { range: 'LAST_7_DAYS' });
      return app.queries.statements.filter((s) => s.includes('planning_tasks') || s.includes('planning_shadow')).length;
    };
    expect(await cost(small)).toBe(REPORT_STATEMENTS + 1); // + the overdue tasks' titles the query selects
    expect(await cost(large)).toBe(REPORT_STATEMENTS + 1);
    // Cached: no statement until a task of the org changes.
    expect(await cost(large)).toBe(1);
    await createTask(app, large, { title: 'One more' });
    expect(await cost(large)).toBe(REPORT_STATEMENTS + 1);
    // Another org's change leaves the cache of this one.
    await createTask(app, small, { title: 'Elsewhere' });
    expect(await cost(large)).toBe(1);
  });

  it('when the range or time zone is bad, then the answer is BAD_USER_INPUT naming it', async () => {
    const caller = aCaller();
    for (const timeZone of ['Mars/Olympus', '', 'x'.repeat(65), 'UTC\u0000']) {
      const result = await app.gql(caller, `query($tz: String) { productivityReport(timeZone: $tz) { createdCount } }`, { tz: timeZone });
      expect(result.errors?.[0]?.extensions, JSON.stringify(timeZone)).toMatchObject({ code: 'BAD_USER_INPUT', fields: expect.arrayContaining(['timeZone']) });
    }
    const range = await app.gql(caller, `query { productivityReport(range: LAST_YEAR) { createdCount } }`);
    expect(range.errors?.[0]?.message).toMatch(/ReportRange/);
  });
});
