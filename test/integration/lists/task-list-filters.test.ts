import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aCaller,
  createProject,
  createTask,
  startTestPlanningApp,
  type TestCaller,
  type TestPlanningApp,
} from '../../testkit/planning-app.js';
import { expectBadInput, listTasks, TASKS_QUERY } from './connection-testing.js';

/** Every task of the org with the fields the filters look at, read through the API (the test's own oracle). */
const ALL_TASKS = `query { tasks(first: 100) { edges { node {
  id title status priority dueDate tags project { id } parent { id } owner { id } assignee { id }
} } totalCount } }`;

interface FullTask {
  id: string;
  title: string;
  status: string;
  priority: string;
  dueDate: string | null;
  tags: string[];
  project: { id: string } | null;
  parent: { id: string } | null;
  owner: { id: string };
  assignee: { id: string } | null;
}

describe('task list filters', () => {
  let app: TestPlanningApp;
  let caller: TestCaller;
  let colleague: TestCaller;
  let all: FullTask[];
  let projectA: string;
  let projectB: string;
  let parentId: string;

  /** Ids the API returns for `filter` (walked over pages of 4, so paging is filtered too) against ids the test expects. */
  async function expectFilter(filter: Record<string, unknown>, predicate: (t: FullTask) => boolean) {
    const expected = all.filter(predicate).map((t) => t.id).sort();
    expect(expected.length, `filter ${JSON.stringify(filter)} should match something`).toBeGreaterThan(0);
    expect(expected.length, `filter ${JSON.stringify(filter)} should not match everything`).toBeLessThan(all.length);
    const got: string[] = [];
    let after: string | undefined;
    let totalCount = -1;
    for (;;) {
      const page = await listTasks(app, caller, { filter, first: 4, after });
      got.push(...page.edges.map((e) => e.node.id));
      totalCount = page.totalCount;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }
    expect(got.sort()).toEqual(expected);
    expect(totalCount).toBe(expected.length);
  }

  beforeAll(async () => {
    app = await startTestPlanningApp();
    caller = aCaller();
    colleague = { ...aCaller(), orgId: caller.orgId };
    projectA = (await createProject(app, caller, { name: 'alpha' })).id;
    projectB = (await createProject(app, caller, { name: 'beta' })).id;
    const parent = await createTask(app, caller, { title: 'Plan the Offsite', projectId: projectA, tags: ['ops'] });
    parentId = parent.id;
    await createTask(app, caller, { title: 'book VENUE', parentId, priority: 'HIGH', tags: ['ops', 'travel'] });
    await createTask(app, caller, { title: 'Order food', parentId, status: 'COMPLETED', dueDate: '2027-02-10T12:00:00Z' });
    await createTask(app, caller, { title: 'Reach 100% coverage', priority: 'URGENT', dueDate: '2027-01-01T00:00:00Z' });
    await createTask(app, caller, { title: 'Reach 100 percent uptime', priority: 'LOW', projectId: projectB });
    await createTask(app, caller, { title: 'rename snake_case keys', status: 'IN_PROGRESS', tags: ['code'], dueDate: '2027-03-05T00:00:00Z' });
    await createTask(app, caller, { title: 'rename snakeXcase keys', assigneeId: colleague.userId, projectId: projectB });
    await createTask(app, caller, { title: 'escape back\\slash', status: 'ARCHIVED', priority: 'LOW' });
    await createTask(app, colleague, { title: 'Colleague task', assigneeId: caller.userId, tags: ['code'], dueDate: '2027-02-01T00:00:00Z' });
    await createTask(app, colleague, { title: 'Colleague urgent', priority: 'URGENT', projectId: projectA, status: 'COMPLETED' });
    // Another org with look-alike tasks: never matched.
    const stranger = aCaller();
    await createTask(app, stranger, { title: 'Reach 100% coverage', priority: 'URGENT', tags: ['ops'] });
    const data = await app.ok<{ tasks: { edges: Array<{ node: FullTask }>; totalCount: number } }>(caller, ALL_TASKS);
    all = data.tasks.edges.map((e) => e.node);
    expect(all).toHaveLength(10);
  });
  afterAll(async () => app?.close());

  it('when filtering by a list of statuses, then tasks with any of them come back', async () => {
    await expectFilter({ status: ['COMPLETED'] }, (t) => t.status === 'COMPLETED');
    await expectFilter({ status: ['IN_PROGRESS', 'ARCHIVED'] }, (t) => ['IN_PROGRESS', 'ARCHIVED'].includes(t.status));
  });

  it('when filtering by a list of priorities, then tasks with any of them come back', async () => {
    await expectFilter({ priority: ['URGENT'] }, (t) => t.priority === 'URGENT');
    await expectFilter({ priority: ['LOW', 'HIGH'] }, (t) => ['LOW', 'HIGH'].includes(t.priority));
  });

  it('when filtering by projectId, then only that project’s tasks come back', async () => {
    await expectFilter({ projectId: projectA }, (t) => t.project?.id === projectA);
    await expectFilter({ projectId: projectB }, (t) => t.project?.id === projectB);
  });

  it('when filtering withoutProject, then true gives tasks without a project and false those with one', async () => {
    await expectFilter({ withoutProject: true }, (t) => t.project === null);
    await expectFilter({ withoutProject: false }, (t) => t.project !== null);
  });

  it('when filtering by parentId, then only its direct subtasks come back', async () => {
    await expectFilter({ parentId }, (t) => t.parent?.id === parentId);
  });

  it('when filtering topLevel, then true gives tasks without a parent and false only subtasks', async () => {
    await expectFilter({ topLevel: true }, (t) => t.parent === null);
    await expectFilter({ topLevel: false }, (t) => t.parent !== null);
  });

  it('when filtering by tag, then tasks carrying that tag come back', async () => {
    await expectFilter({ tag: 'ops' }, (t) => t.tags.includes('ops'));
    await expectFilter({ tag: 'travel' }, (t) => t.tags.includes('travel'));
    expect((await listTasks(app, caller, { filter: { tag: 'op' } })).totalCount).toBe(0);
  });

  it('when filtering by assigneeId or ownerId, then only that user’s tasks come back', async () => {
    await expectFilter({ assigneeId: colleague.userId }, (t) => t.assignee?.id === colleague.userId);
    await expectFilter({ assigneeId: caller.userId }, (t) => t.assignee?.id === caller.userId);
    await expectFilter({ ownerId: colleague.userId }, (t) => t.owner.id === colleague.userId);
    await expectFilter({ ownerId: caller.userId }, (t) => t.owner.id === caller.userId);
  });

  it('when filtering by dueBefore / dueAfter, then only dated tasks in the range come back', async () => {
    const at = (iso: string) => Date.parse(iso);
    await expectFilter({ dueBefore: '2027-02-05T00:00:00Z' }, (t) => t.dueDate !== null && at(t.dueDate) < at('2027-02-05T00:00:00Z'));
    await expectFilter({ dueAfter: '2027-02-05T00:00:00Z' }, (t) => t.dueDate !== null && at(t.dueDate) >= at('2027-02-05T00:00:00Z'));
    await expectFilter(
      { dueAfter: '2027-01-15', dueBefore: '2027-03-01T00:00:00+01:00' },
      (t) => t.dueDate !== null && at(t.dueDate) >= at('2027-01-15T00:00:00Z') && at(t.dueDate) < at('2027-02-28T23:00:00Z'),
    );
  });

  it('when searching, then the title match is a case-insensitive substring', async () => {
    await expectFilter({ search: 'venue' }, (t) => t.title.toLowerCase().includes('venue'));
    await expectFilter({ search: 'COLLEAGUE' }, (t) => t.title.toLowerCase().includes('colleague'));
    await expectFilter({ search: 'ReAcH 100' }, (t) => t.title.toLowerCase().includes('reach 100'));
  });

  it('when searching for % or _ or a backslash, then they match literally, not as wildcards', async () => {
    await expectFilter({ search: '100%' }, (t) => t.title.includes('100%'));
    await expectFilter({ search: '%' }, (t) => t.title.includes('%'));
    await expectFilter({ search: 'snake_case' }, (t) => t.title.includes('snake_case'));
    await expectFilter({ search: '_' }, (t) => t.title.includes('_'));
    await expectFilter({ search: 'back\\slash' }, (t) => t.title.includes('back\\slash'));
    expect((await listTasks(app, caller, { filter: { search: '%%' } })).totalCount).toBe(0);
  });

  it('when filters are combined, then a task must match all of them', async () => {
    await expectFilter({ projectId: projectA, status: ['COMPLETED'] }, (t) => t.project?.id === projectA && t.status === 'COMPLETED');
    await expectFilter(
      { topLevel: true, withoutProject: true, priority: ['URGENT', 'LOW'] },
      (t) => t.parent === null && t.project === null && ['URGENT', 'LOW'].includes(t.priority),
    );
    await expectFilter({ tag: 'code', ownerId: colleague.userId }, (t) => t.tags.includes('code') && t.owner.id === colleague.userId);
    await expectFilter(
      { search: 'rename', status: ['PENDING'], assigneeId: colleague.userId },
      (t) => t.title.includes('rename') && t.status === 'PENDING' && t.assignee?.id === colleague.userId,
    );
  });

  it('when a filter matches a project of another org, then nothing comes back', async () => {
    const stranger = aCaller();
    const foreign = await createProject(app, stranger);
    await createTask(app, stranger, { projectId: foreign.id });
    const page = await listTasks(app, caller, { filter: { projectId: foreign.id } });
    expect(page).toMatchObject({ edges: [], totalCount: 0 });
  });

  it.each([
    [{ projectId: 'x' }, ['filter.projectId']],
    [{ parentId: '123' }, ['filter.parentId']],
    [{ dueBefore: 'nope' }, ['filter.dueBefore']],
    [{ dueAfter: '2027-02-30' }, ['filter.dueAfter']],
    [{ search: '   ' }, ['filter.search']],
    [{ projectId: 'x', dueBefore: 'nope' }, ['filter.projectId', 'filter.dueBefore']],
  ])('when a filter value is malformed (%j), then BAD_USER_INPUT names the filter field', async (filter, fields) => {
    const result = await app.gql(caller, TASKS_QUERY, { filter });
    expectBadInput(result, fields);
    expect(result.data ?? null).toBeNull();
  });
});
