import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aCaller,
  createProject,
  createTask,
  createTasks,
  startTestPlanningApp,
  type TestCaller,
  type TestPlanningApp,
} from '../../testkit/planning-app.js';
import { idsOf, inCreationOrder, listTasks, sortTasks, walkBackward, walkForward, type ListedTask } from './connection-testing.js';

const FIELDS = ['CREATED_AT', 'UPDATED_AT', 'DUE_DATE', 'PRIORITY', 'POSITION', 'TITLE'] as const;
const DIRECTIONS = ['ASC', 'DESC'] as const;

/**
 * Eleven tasks with ties on every sort key: two bulk batches (one creation time each) and singles, shared and
 * missing due dates, repeated priorities and titles, positions repeated across two projects and the no-project
 * scope, and a few updates so updatedAt differs from createdAt for some. Returned in creation order.
 */
async function seedOrderedTasks(app: TestPlanningApp, caller: TestCaller): Promise<ListedTask[]> {
  const [alpha, beta] = [await createProject(app, caller), await createProject(app, caller)];
  const due = ['2027-03-01T09:00:00Z', '2027-01-15T00:00:00Z', null, '2027-03-01T09:00:00Z'];
  const titles = ['pear', 'apple', 'fig', 'apple', 'kiwi', 'banana', 'pear', 'cherry', 'date', 'apple', 'fig'];
  const priorities = ['HIGH', 'LOW', 'URGENT', 'MEDIUM', 'HIGH', 'LOW', 'LOW', 'URGENT', 'MEDIUM', 'HIGH', 'MEDIUM'];
  const projects = [alpha.id, beta.id, null];
  const input = (i: number) => ({
    title: titles[i],
    priority: priorities[i],
    dueDate: due[i % due.length],
    projectId: projects[i % projects.length],
  });

  const created = (await createTasks(app, caller, 4, (i) => input(i))).map((t) => t.id);
  for (const i of [4, 5, 6]) created.push((await createTask(app, caller, input(i))).id);
  created.push(...(await createTasks(app, caller, 4, (i) => input(7 + i))).map((t) => t.id));

  const all = inCreationOrder((await listTasks(app, caller, { first: 100 })).edges.map((e) => e.node), created);
  const [first, , third] = sortTasks(all, 'CREATED_AT', 'ASC');
  for (const task of [third!, first!]) {
    await app.ok(caller, 'mutation($id: ID!) { updateTask(id: $id, input: { description: "touched" }) { id } }', { id: task.id });
  }
  const tasks = (await listTasks(app, caller, { first: 100 })).edges.map((e) => e.node);
  expect(tasks).toHaveLength(11);
  return inCreationOrder(tasks, created);
}

describe('task list order', () => {
  let app: TestPlanningApp;
  let caller: TestCaller;
  let tasks: ListedTask[];
  beforeAll(async () => {
    app = await startTestPlanningApp();
    caller = aCaller();
    tasks = await seedOrderedTasks(app, caller);
  });
  afterAll(async () => app?.close());

  it('when the seed is built, then every sort key has ties (so the tie-breaks are exercised)', () => {
    const hasTie = (key: (t: ListedTask) => unknown) => new Set(tasks.map(key)).size < tasks.length;
    expect(hasTie((t) => t.createdAt)).toBe(true);
    expect(hasTie((t) => t.updatedAt)).toBe(true);
    expect(hasTie((t) => t.dueDate)).toBe(true);
    expect(hasTie((t) => t.priority)).toBe(true);
    expect(hasTie((t) => t.position)).toBe(true);
    expect(hasTie((t) => t.title)).toBe(true);
    expect(tasks.some((t) => t.dueDate === null)).toBe(true);
  });

  for (const field of FIELDS) {
    for (const direction of DIRECTIONS) {
      it(`when ordered by ${field} ${direction} and read forward 3 at a time, then the pages follow the promised order`, async () => {
        const expected = sortTasks(tasks, field, direction).map((t) => t.id);
        const pages = await walkForward(app, caller, { orderBy: { field, direction } }, 3);
        expect(pages.map((p) => p.edges.length)).toEqual([3, 3, 3, 2]);
        expect(pages.flatMap(idsOf)).toEqual(expected);
      });

      it(`when ordered by ${field} ${direction} and read backward 3 at a time, then the pages follow the promised order`, async () => {
        const expected = sortTasks(tasks, field, direction).map((t) => t.id);
        const pages = await walkBackward(app, caller, { orderBy: { field, direction } }, 3);
        expect(pages.map((p) => p.edges.length)).toEqual([3, 3, 3, 2]);
        expect(pages.reverse().flatMap(idsOf)).toEqual(expected);
      });
    }
  }

  it('when ordered by DUE_DATE ASC, then tasks without a due date come last; in DESC they come first', async () => {
    const asc = (await listTasks(app, caller, { first: 100, orderBy: { field: 'DUE_DATE', direction: 'ASC' } })).edges;
    const undated = asc.filter((e) => e.node.dueDate === null).length;
    expect(undated).toBeGreaterThan(0);
    expect(asc.slice(-undated).every((e) => e.node.dueDate === null)).toBe(true);
    const desc = (await listTasks(app, caller, { first: 100, orderBy: { field: 'DUE_DATE', direction: 'DESC' } })).edges;
    expect(desc.slice(0, undated).every((e) => e.node.dueDate === null)).toBe(true);
  });

  it('when ordered by PRIORITY ASC, then LOW < MEDIUM < HIGH < URGENT (not alphabetical)', async () => {
    const page = await listTasks(app, caller, { first: 100, orderBy: { field: 'PRIORITY', direction: 'ASC' } });
    const seen = [...new Set(page.edges.map((e) => e.node.priority))];
    expect(seen).toEqual(['LOW', 'MEDIUM', 'HIGH', 'URGENT']);
  });

  it('when orderBy gives only a field, then the direction is ASC', async () => {
    const page = await listTasks(app, caller, { first: 100, orderBy: { field: 'TITLE' } });
    expect(idsOf(page)).toEqual(sortTasks(tasks, 'TITLE', 'ASC').map((t) => t.id));
  });

  it('when a middle page is read by cursor in one order, then the next page by its end cursor continues without overlap', async () => {
    const orderBy = { field: 'PRIORITY', direction: 'DESC' as const };
    const expected = sortTasks(tasks, 'PRIORITY', 'DESC').map((t) => t.id);
    const page1 = await listTasks(app, caller, { first: 4, orderBy });
    const page2 = await listTasks(app, caller, { first: 4, orderBy, after: page1.pageInfo.endCursor! });
    const back = await listTasks(app, caller, { last: 4, orderBy, before: page2.pageInfo.startCursor! });
    expect(idsOf(page2)).toEqual(expected.slice(4, 8));
    expect(idsOf(back)).toEqual(expected.slice(0, 4));
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });
});
