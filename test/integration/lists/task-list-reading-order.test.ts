import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../../src/modules/common/caller.js';
import { CursorCodec, listFingerprint } from '../../../src/modules/common/cursor.js';
import { TaskService } from '../../../src/modules/tasks/task.service.js';
import { aCaller, createTasks, startTestPlanningApp, type TestCaller, type TestPlanningApp } from '../../testkit/planning-app.js';
import { expectBadInput, listTasks, TASKS_QUERY, walkBackward, walkForward, type ListArgs, type TaskPage } from './connection-testing.js';

/** Issue 23: the orders a person reads a task list in, on PostgreSQL and on the embedded PGlite alike. */

/** The test app's (startTestPlanningApp). */
const CURSOR_SECRET = 'test-cursor-secret-0123456789';
const TWELVE = Array.from({ length: 12 }, (_, i) => `t${i + 1}`);
const TITLES = ['t1', 'Buy milk', 'Write the plan', 'écrire', 'Zebra', 'apple', 'Éclair'];
/** Case and accents set aside (é reads as e), then letter by letter: `Éclair` (ecl…) before `écrire` (ecr…). */
const TITLES_READ = ['apple', 'Buy milk', 'Éclair', 'écrire', 't1', 'Write the plan', 'Zebra'];

const titlesOf = (pages: TaskPage[]) => pages.flatMap((p) => p.edges.map((e) => e.node.title));
const idsOfPages = (pages: TaskPage[]) => pages.flatMap((p) => p.edges.map((e) => e.node.id));

async function createTitled(app: TestPlanningApp, caller: TestCaller, titles: string[]) {
  return createTasks(app, caller, titles.length, (i) => ({ title: titles[i] }));
}

/** Every task of the list read forward and backward `size` at a time: both walks, in list order. */
async function readByPages(app: TestPlanningApp, caller: TestCaller, args: ListArgs, size: number) {
  const forward = await walkForward(app, caller, args, size);
  const backward = (await walkBackward(app, caller, args, size)).reverse();
  return { forward, backward };
}

describe('task list reading order', () => {
  let app: TestPlanningApp;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());

  describe('tasks created together', () => {
    let caller: TestCaller;
    beforeAll(async () => {
      caller = aCaller();
      await createTitled(app, caller, TWELVE);
    });

    it('when 12 tasks made by one createTasks are listed in the default order, then they come in input order t1..t12', async () => {
      const page = await listTasks(app, caller, { first: 100 });
      expect(new Set(page.edges.map((e) => e.node.createdAt)).size).toBe(1);
      expect(page.edges.map((e) => e.node.title)).toEqual(TWELVE);
    });

    for (const direction of ['ASC', 'DESC'] as const) {
      it(`when they are listed by CREATED_AT ${direction}, then they also come in input order`, async () => {
        const page = await listTasks(app, caller, { first: 100, orderBy: { field: 'CREATED_AT', direction } });
        expect(page.edges.map((e) => e.node.title)).toEqual(TWELVE);
      });
    }

    for (const [orderBy, size] of [[undefined, 2], [undefined, 5], [{ field: 'CREATED_AT', direction: 'ASC' as const }, 3]] as const) {
      it(`when the batch is read ${size} at a time by cursor (${orderBy ? 'CREATED_AT ASC' : 'default order'}), forward and backward, then the pages give t1..t12 once each`, async () => {
        const { forward, backward } = await readByPages(app, caller, { orderBy }, size);
        expect(titlesOf(forward)).toEqual(TWELVE);
        expect(titlesOf(backward)).toEqual(TWELVE);
        expect(forward.map((p) => p.edges.length)).toEqual(backward.map((p) => p.edges.length).reverse());
      });
    }

    it('when batches follow one another, then the default order lists the newest first, each batch in its input order (two at one instant in creation order), and cursors cross between them', async () => {
      const other = aCaller();
      const member: Caller = { userId: other.userId, orgId: other.orgId, roles: ['member'] };
      const createAt = (at: string, titles: string[]) =>
        new TaskService(app.orm.em.fork(), new CursorCodec(CURSOR_SECRET), { now: () => new Date(at) }).createTasks(
          member,
          titles.map((title) => ({ title })),
        );
      await createAt('2026-12-01T09:00:00.000Z', ['a1', 'a2', 'a3']);
      await createAt('2026-12-01T09:00:01.000Z', ['b1', 'b2', 'b3']);
      await createAt('2026-12-01T09:00:01.000Z', ['c1', 'c2']);
      const newestFirst = await readByPages(app, other, {}, 2);
      expect(titlesOf(newestFirst.forward)).toEqual(['b1', 'b2', 'b3', 'c1', 'c2', 'a1', 'a2', 'a3']);
      expect(titlesOf(newestFirst.backward)).toEqual(titlesOf(newestFirst.forward));
      const oldestFirst = await readByPages(app, other, { orderBy: { field: 'CREATED_AT', direction: 'ASC' } }, 3);
      expect(titlesOf(oldestFirst.forward)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3', 'c1', 'c2']);
      expect(titlesOf(oldestFirst.backward)).toEqual(titlesOf(oldestFirst.forward));
    });

    it('when a cursor of the order before its tie-break (creation time and id only) comes back, then it is refused as BAD_USER_INPUT on after, not misread', async () => {
      const [newest] = (await listTasks(app, caller, { first: 1 })).edges;
      const fingerprint = listFingerprint(['task', caller.orgId, {}, { field: 'CREATED_AT', direction: 'DESC' }]);
      const oldShape = new CursorCodec(CURSOR_SECRET).encode({ k: newest!.node.createdAt, id: newest!.node.id, f: fingerprint });
      expectBadInput(await app.gql(caller, TASKS_QUERY, { first: 2, after: oldShape }), ['after']);
      // The same cursor in today's shape is accepted: only the shape was refused.
      const current = new CursorCodec(CURSOR_SECRET).decode(newest!.cursor, fingerprint, 'after');
      expect(current.k).toEqual([newest!.node.createdAt, expect.any(String)]);
    });
  });

  describe('titles', () => {
    let caller: TestCaller;
    beforeAll(async () => {
      caller = aCaller();
      await createTitled(app, caller, TITLES);
    });

    it('when listed by TITLE ASC, then titles come as a person reads them: case and accents set aside', async () => {
      const page = await listTasks(app, caller, { first: 100, orderBy: { field: 'TITLE', direction: 'ASC' } });
      expect(page.edges.map((e) => e.node.title)).toEqual(TITLES_READ);
    });

    it('when listed by TITLE DESC, then the order is the reverse', async () => {
      const page = await listTasks(app, caller, { first: 100, orderBy: { field: 'TITLE', direction: 'DESC' } });
      expect(page.edges.map((e) => e.node.title)).toEqual([...TITLES_READ].reverse());
    });

    for (const direction of ['ASC', 'DESC'] as const) {
      it(`when read by TITLE ${direction} 2 at a time by cursor, forward and backward, then the pages give the full list once each`, async () => {
        const expected = direction === 'ASC' ? TITLES_READ : [...TITLES_READ].reverse();
        const { forward, backward } = await readByPages(app, caller, { orderBy: { field: 'TITLE', direction } }, 2);
        expect(forward.map((p) => p.edges.length)).toEqual([2, 2, 2, 1]);
        expect(titlesOf(forward)).toEqual(expected);
        expect(titlesOf(backward)).toEqual(expected);
      });
    }

    it('when titles differ only in case or accents, then they tie on reading and come in code point order (Apple, apple, Àpple), then by id, across pages', async () => {
      const other = aCaller();
      await createTitled(app, other, ['Àpple', 'apple', 'banana', 'Apple', 'apple', 'APPLE pie', 'Apple']);
      const expected = ['Apple', 'Apple', 'apple', 'apple', 'Àpple', 'APPLE pie', 'banana'];
      const { forward, backward } = await readByPages(app, other, { orderBy: { field: 'TITLE', direction: 'ASC' } }, 2);
      expect(titlesOf(forward)).toEqual(expected);
      expect(idsOfPages(backward)).toEqual(idsOfPages(forward));
      expect(new Set(idsOfPages(forward)).size).toBe(expected.length);
    });

    it('when a title is changed, then the task takes its new place in TITLE order', async () => {
      const other = aCaller();
      const [, zebra] = await createTitled(app, other, ['Bear', 'Zebra', 'cat']);
      await app.ok(other, 'mutation($id: ID!) { updateTask(id: $id, input: { title: "Ägypten" }) { id } }', { id: zebra!.id });
      const page = await listTasks(app, other, { first: 10, orderBy: { field: 'TITLE', direction: 'ASC' } });
      expect(page.edges.map((e) => e.node.title)).toEqual(['Ägypten', 'Bear', 'cat']);
    });
  });
});
