import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCaller, createTask, createTasks, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';
import {
  expectBadInput,
  idsOf,
  inCreationOrder,
  listTasks,
  sortTasks,
  TASKS_QUERY,
  walkBackward,
  walkForward,
  type ListedTask,
} from './connection-testing.js';

/**
 * Seeds `count` tasks with distinct and tied creation times: bulk batches share one timestamp, singles do not.
 * Returned in creation order.
 */
async function seedTasks(app: TestPlanningApp, caller: ReturnType<typeof aCaller>, count: number): Promise<ListedTask[]> {
  const created: string[] = [];
  while (created.length < count) {
    const made = created.length;
    const batch = Math.min(made % 2 === 0 ? 4 : 1, count - made);
    if (batch === 1) created.push((await createTask(app, caller, { title: `task ${made}` })).id);
    else created.push(...(await createTasks(app, caller, batch, (i) => ({ title: `task ${made + i}` }))).map((t) => t.id));
  }
  const all = await listTasks(app, caller, { first: 100 });
  expect(all.edges).toHaveLength(count);
  return inCreationOrder(all.edges.map((e) => e.node), created);
}

/** Flips one character of `cursor` at `index` to another base64url character. */
const tamper = (cursor: string, index: number) =>
  cursor.slice(0, index) + (cursor[index] === 'A' ? 'B' : 'A') + cursor.slice(index + 1);

describe('task list paging', () => {
  let app: TestPlanningApp;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());

  it('when no order is given, then tasks come newest first (CREATED_AT DESC), the tasks of one batch in input order', async () => {
    const caller = aCaller();
    const tasks = await seedTasks(app, caller, 9);
    const page = await listTasks(app, caller, {});
    expect(idsOf(page)).toEqual(sortTasks(tasks, 'CREATED_AT', 'DESC').map((t) => t.id));
    const explicit = await listTasks(app, caller, { orderBy: { field: 'CREATED_AT', direction: 'DESC' } });
    expect(idsOf(explicit)).toEqual(idsOf(page));
  });

  it('when the first page is read, then hasNextPage is true, hasPreviousPage false, and cursors bound the page', async () => {
    const caller = aCaller();
    const tasks = sortTasks(await seedTasks(app, caller, 7), 'CREATED_AT', 'DESC');
    const page = await listTasks(app, caller, { first: 3 });
    expect(idsOf(page)).toEqual(tasks.slice(0, 3).map((t) => t.id));
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(page.pageInfo.startCursor).toBe(page.edges[0]!.cursor);
    expect(page.pageInfo.endCursor).toBe(page.edges[2]!.cursor);
    expect(page.totalCount).toBe(7);
  });

  it('when the last page is read with last, then it holds the oldest tasks in list order and hasPreviousPage is true', async () => {
    const caller = aCaller();
    const tasks = sortTasks(await seedTasks(app, caller, 7), 'CREATED_AT', 'DESC');
    const page = await listTasks(app, caller, { last: 3 });
    expect(idsOf(page)).toEqual(tasks.slice(4).map((t) => t.id));
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(page.totalCount).toBe(7);

    const previous = await listTasks(app, caller, { last: 3, before: page.pageInfo.startCursor! });
    expect(idsOf(previous)).toEqual(tasks.slice(1, 4).map((t) => t.id));
    expect(previous.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it('when a list fits one page, then neither hasNextPage nor hasPreviousPage is set', async () => {
    const caller = aCaller();
    await seedTasks(app, caller, 3);
    const forward = await listTasks(app, caller, { first: 3 });
    expect(forward.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    const backward = await listTasks(app, caller, { last: 3 });
    expect(backward.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  });

  it('when an org has no tasks, then the page is empty with null cursors and totalCount 0', async () => {
    const page = await listTasks(app, aCaller(), { first: 5 });
    expect(page).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      totalCount: 0,
    });
  });

  it('when walking all pages forward with after, then every task appears exactly once, in order', async () => {
    const caller = aCaller();
    const expected = sortTasks(await seedTasks(app, caller, 23), 'CREATED_AT', 'DESC').map((t) => t.id);
    const pages = await walkForward(app, caller, {}, 5);
    expect(pages.map((p) => p.edges.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.flatMap(idsOf)).toEqual(expected);
    expect(pages.map((p) => p.pageInfo.hasPreviousPage)).toEqual([false, true, true, true, true]);
    expect(pages.every((p) => p.totalCount === 23)).toBe(true);
  });

  it('when walking all pages backward with before, then every task appears exactly once, in order', async () => {
    const caller = aCaller();
    const expected = sortTasks(await seedTasks(app, caller, 23), 'CREATED_AT', 'DESC').map((t) => t.id);
    const pages = await walkBackward(app, caller, {}, 5);
    expect(pages.map((p) => p.edges.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.reverse().flatMap(idsOf)).toEqual(expected);
    expect(pages.map((p) => p.pageInfo.hasNextPage)).toEqual([true, true, true, true, false]);
  });

  it('when tasks are inserted after page 1 was read, then page 2 via its cursor has no duplicates and skips none of the earlier tasks', async () => {
    const caller = aCaller();
    const before = sortTasks(await seedTasks(app, caller, 10), 'CREATED_AT', 'DESC').map((t) => t.id);
    const page1 = await listTasks(app, caller, { first: 4 });
    expect(idsOf(page1)).toEqual(before.slice(0, 4));

    const inserted = [
      ...(await createTasks(app, caller, 3, (i) => ({ title: `late ${i}` }))).map((t) => t.id),
      (await createTask(app, caller, { title: 'later' })).id,
    ];

    const rest: string[] = [];
    let after = page1.pageInfo.endCursor!;
    for (;;) {
      const page = await listTasks(app, caller, { first: 4, after });
      rest.push(...idsOf(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }
    expect(rest).toEqual(before.slice(4));
    expect(rest.filter((id) => inserted.includes(id))).toEqual([]);
    expect((await listTasks(app, caller, { first: 1 })).totalCount).toBe(14);
  });

  it('when no page size is given, then 20 tasks come back', async () => {
    const caller = aCaller();
    await createTasks(app, caller, 25);
    const page = await listTasks(app, caller, {});
    expect(page.edges).toHaveLength(20);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.totalCount).toBe(25);
  });

  it('when first is 100 (the cap), then 100 tasks come back and the rest is on the next page', async () => {
    const caller = aCaller();
    await createTasks(app, caller, 100);
    await createTasks(app, caller, 3);
    const page = await listTasks(app, caller, { first: 100 });
    expect(page.edges).toHaveLength(100);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.totalCount).toBe(103);
    const next = await listTasks(app, caller, { first: 100, after: page.pageInfo.endCursor! });
    expect(next.edges).toHaveLength(3);
    const last = await listTasks(app, caller, { last: 100 });
    expect(last.edges).toHaveLength(100);
  });

  it.each([
    [{ first: 101 }, ['first']],
    [{ first: 0 }, ['first']],
    [{ first: -5 }, ['first']],
    [{ last: -1 }, ['last']],
    [{ last: 0 }, ['last']],
    [{ last: 101 }, ['last']],
  ])('when the page size is out of range (%j), then BAD_USER_INPUT names the argument', async (args, fields) => {
    const caller = aCaller();
    await createTasks(app, caller, 2);
    const result = await app.gql(caller, TASKS_QUERY, args);
    expectBadInput(result, fields);
    expect(result.data ?? null).toBeNull();
  });

  it('when first and last are given together, then the request is rejected with BAD_USER_INPUT', async () => {
    const caller = aCaller();
    await createTasks(app, caller, 2);
    const result = await app.gql(caller, TASKS_QUERY, { first: 2, last: 2 });
    const error = expectBadInput(result, ['last']);
    expect(error.message).toMatch(/first/);
  });

  it('when after and before are given together, then the request is rejected with BAD_USER_INPUT', async () => {
    const caller = aCaller();
    await createTasks(app, caller, 4);
    const page = await listTasks(app, caller, { first: 2 });
    const result = await app.gql(caller, TASKS_QUERY, { after: page.edges[0]!.cursor, before: page.edges[1]!.cursor });
    expect(expectBadInput(result, ['before']).message).toMatch(/after/);
  });

  it('when a cursor has one character changed, then BAD_USER_INPUT names after', async () => {
    const caller = aCaller();
    await createTasks(app, caller, 6);
    const cursor = (await listTasks(app, caller, { first: 2 })).pageInfo.endCursor!;
    for (const index of [0, Math.floor(cursor.length / 3), cursor.indexOf('.') + 1, cursor.length - 1]) {
      const tampered = tamper(cursor, index);
      expect(tampered).not.toBe(cursor);
      expectBadInput(await app.gql(caller, TASKS_QUERY, { first: 2, after: tampered }), ['after']);
    }
    expectBadInput(await app.gql(caller, TASKS_QUERY, { first: 2, after: 'not-a-cursor' }), ['after']);
    expectBadInput(await app.gql(caller, TASKS_QUERY, { last: 2, before: tamper(cursor, 1) }), ['before']);
    // The untouched cursor still works.
    expect((await listTasks(app, caller, { first: 2, after: cursor })).edges).toHaveLength(2);
  });

  it('when a cursor comes from a list with another filter, then BAD_USER_INPUT names after', async () => {
    const caller = aCaller();
    await createTasks(app, caller, 6, (i) => ({ priority: i % 2 ? 'HIGH' : 'LOW' }));
    const cursor = (await listTasks(app, caller, { first: 2, filter: { priority: ['HIGH'] } })).pageInfo.endCursor!;
    expect((await listTasks(app, caller, { first: 2, after: cursor, filter: { priority: ['HIGH'] } })).edges).toHaveLength(1);
    expectBadInput(await app.gql(caller, TASKS_QUERY, { first: 2, after: cursor }), ['after']);
    expectBadInput(await app.gql(caller, TASKS_QUERY, { first: 2, after: cursor, filter: { priority: ['LOW'] } }), ['after']);
  });

  it('when a cursor comes from a list with another orderBy, then BAD_USER_INPUT names after', async () => {
    const caller = aCaller();
    await createTasks(app, caller, 6);
    const cursor = (await listTasks(app, caller, { first: 2, orderBy: { field: 'TITLE' } })).pageInfo.endCursor!;
    expectBadInput(await app.gql(caller, TASKS_QUERY, { first: 2, after: cursor }), ['after']);
    expectBadInput(await app.gql(caller, TASKS_QUERY, { first: 2, after: cursor, orderBy: { field: 'TITLE', direction: 'DESC' } }), [
      'after',
    ]);
    expectBadInput(await app.gql(caller, TASKS_QUERY, { first: 2, after: cursor, orderBy: { field: 'POSITION' } }), ['after']);
  });

  it('when a cursor comes from another org, then BAD_USER_INPUT names after and nothing of the other org leaks', async () => {
    const owner = aCaller();
    const intruder = aCaller();
    await createTasks(app, owner, 6);
    await createTasks(app, intruder, 6);
    const cursor = (await listTasks(app, owner, { first: 2 })).pageInfo.endCursor!;
    const result = await app.gql(intruder, TASKS_QUERY, { first: 2, after: cursor });
    expectBadInput(result, ['after']);
    expect(result.data ?? null).toBeNull();
  });

  it('when the list is filtered, then totalCount counts every matching task, not the page', async () => {
    const caller = aCaller();
    await createTasks(app, caller, 13, (i) => ({ status: i < 9 ? 'PENDING' : 'IN_PROGRESS' }));
    const pending = await listTasks(app, caller, { first: 2, filter: { status: ['PENDING'] } });
    expect(pending.edges).toHaveLength(2);
    expect(pending.totalCount).toBe(9);
    const last = await listTasks(app, caller, { last: 3, filter: { status: ['IN_PROGRESS'] } });
    expect(last.edges).toHaveLength(3);
    expect(last.totalCount).toBe(4);
    expect((await listTasks(app, caller, { first: 50 })).totalCount).toBe(13);
  });
});
