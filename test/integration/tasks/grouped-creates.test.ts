import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CursorCodec } from '../../../src/modules/common/cursor.js';
import type { PlannedTasks } from '../../../src/modules/tasks/use-cases/insert-planned-tasks.js';
import { CreateQueueTimeoutError, TaskCreationQueue } from '../../../src/modules/tasks/use-cases/task-creation-queue.js';
import { isDatabaseUnavailable } from '../../../src/platform/errors/service-unavailable.js';
import { aCaller, createProject, startTestPlanningApp, type TestCaller, type TestPlanningApp } from '../../testkit/planning-app.js';
import { TcpProxy } from '../../testkit/tcp-proxy.js';
import { CREATE_TASK, CREATE_TASKS } from './task-api.js';

/** Creates sent at the same time are committed in groups (TaskCreationQueue); each stays its own unit. */
describe('concurrent creates, committed in groups', () => {
  let app: TestPlanningApp;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());

  const sql = <T>(query: string, params: unknown[] = []) => app.orm.em.fork().execute<T[]>(query, params);
  const send = (caller: TestCaller, input: Record<string, unknown>) => app.gql<{ createTask: { id: string; position: number } }>(caller, CREATE_TASK, { input });

  /** Each task's org, and the org and type of every outbox event about it. */
  async function writtenRows(ids: string[]) {
    const tasks = await sql<{ id: string; org_id: string; position: number }>('select id, org_id, position from planning_tasks where id = any(array[?]::uuid[])', [ids]);
    const events = await sql<{ aggregate_id: string; event_type: string; org_id: string }>(
      `select aggregate_id, event_type, envelope->>'org_id' as org_id from planning_outbox where aggregate_id = any(array[?]::uuid[])`,
      [ids],
    );
    return { tasks, events };
  }

  it('when 200 createTask calls arrive at once from two orgs, then all commit in fewer transactions, each with its org and exactly one event', async () => {
    const [a, b] = [aCaller(), aCaller()];
    app.queries.reset();

    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => send(i % 2 ? b : a, { title: `parallel ${i}` })));

    const transactions = app.queries.statements.filter((s) => s === 'begin').length;
    expect(answers.filter((r) => r.errors)).toEqual([]);
    const ids = answers.map((r) => r.data!.createTask.id);
    expect(new Set(ids).size).toBe(200);
    expect(transactions).toBeGreaterThan(0);
    expect(transactions).toBeLessThan(200);
    const { tasks, events } = await writtenRows(ids);
    const orgOf = new Map(tasks.map((t) => [t.id, t.org_id]));
    ids.forEach((id, i) => expect(orgOf.get(id), `task ${i}`).toBe((i % 2 ? b : a).orgId));
    expect(events).toHaveLength(200);
    expect(new Set(events.map((e) => e.aggregate_id)).size).toBe(200);
    for (const event of events) {
      expect(event.event_type).toBe('planning.task.created');
      expect(event.org_id).toBe(orgOf.get(event.aggregate_id));
    }
    // Positions continue each org's list without gaps or repeats, as they would one create after another.
    for (const caller of [a, b]) {
      const positions = tasks.filter((t) => t.org_id === caller.orgId).map((t) => Number(t.position));
      expect(positions.sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    }
  });

  it('when one create among concurrent ones names a project of another org, then it alone fails with NOT_FOUND naming it and the others commit', async () => {
    const caller = aCaller();
    const foreignProject = await createProject(app, aCaller(), { name: 'not yours' });

    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => send(caller, i === 13 ? { title: 'misplaced', projectId: foreignProject.id } : { title: `fine ${i}` })),
    );

    const refused = answers[13]!;
    expect(refused.data?.createTask ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(refused.errors?.[0]?.extensions?.field).toBe('input.projectId');
    const others = answers.filter((_, i) => i !== 13);
    expect(others.filter((r) => r.errors)).toEqual([]);
    const ids = others.map((r) => r.data!.createTask.id);
    const { tasks, events } = await writtenRows(ids);
    expect(tasks).toHaveLength(29);
    expect(events).toHaveLength(29);
    const [count] = await sql<{ n: string }>('select count(*) as n from planning_tasks where org_id = ?', [caller.orgId]);
    expect(Number(count!.n)).toBe(29);
  });

  it('when one create among concurrent ones has an empty title, then it alone fails with BAD_USER_INPUT and the others commit', async () => {
    const caller = aCaller();

    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => send(caller, { title: i === 4 ? '   ' : `fine ${i}` })));

    expect(answers[4]!.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(answers[4]!.errors?.[0]?.extensions?.fields).toEqual(['input.title']);
    expect(answers.filter((r, i) => i !== 4 && r.errors)).toEqual([]);
    const [count] = await sql<{ n: string }>('select count(*) as n from planning_tasks where org_id = ?', [caller.orgId]);
    expect(Number(count!.n)).toBe(19);
  });

  it('when createTasks calls run at once, then each call\'s tasks are created in its input order (created_seq) and list in it', async () => {
    const caller = aCaller();
    const calls = Array.from({ length: 12 }, (_, c) => Array.from({ length: 5 }, (_, i) => ({ title: `call ${c} item ${i}` })));

    const answers = await Promise.all(calls.map((inputs) => app.gql<{ createTasks: Array<{ id: string }> }>(caller, CREATE_TASKS, { inputs })));

    expect(answers.filter((r) => r.errors)).toEqual([]);
    const rows = await sql<{ id: string }>('select id from planning_tasks where org_id = ? order by created_seq', [caller.orgId]);
    const seqOf = new Map(rows.map((r, i) => [r.id, i]));
    for (const answer of answers) {
      const seqs = answer.data!.createTasks.map((t) => seqOf.get(t.id)!);
      // One call's tasks follow each other in input order, not interleaved with another call's.
      expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    }
    const listed = await app.ok<{ tasks: { edges: Array<{ node: { title: string } }> } }>(
      caller,
      '{ tasks(first: 100, orderBy: { field: CREATED_AT, direction: ASC }) { edges { node { title } } } }',
    );
    const titles = listed.tasks.edges.map((e) => e.node.title);
    for (const inputs of calls) {
      const at = titles.indexOf(inputs[0]!.title);
      expect(titles.slice(at, at + 5)).toEqual(inputs.map((i) => i.title));
    }
  });

  it('when 40 createTasks of 100 tasks each arrive at once, then all 4,000 commit', async () => {
    const caller = aCaller();
    app.queries.reset();

    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, c) => app.gql<{ createTasks: Array<{ id: string }> }>(caller, CREATE_TASKS, { inputs: Array.from({ length: 100 }, (_, i) => ({ title: `${c}.${i}` })) })),
    );

    expect(answers.filter((r) => r.errors)).toEqual([]);
    const [count] = await sql<{ n: string }>('select count(*) as n from planning_tasks where org_id = ?', [caller.orgId]);
    expect(Number(count!.n)).toBe(4000);
    // In groups, not one transaction per call.
    expect(app.queries.statements.filter((s) => s === 'begin').length).toBeLessThan(40);
  }, 60_000);

  it('when the database refuses one plan of a group (a task id already taken), then that plan alone fails and the others of the group commit with their events', async () => {
    const caller = aCaller();
    const actor = { ...caller, roles: ['member' as const] };
    const queue = new TaskCreationQueue(app.orm, new CursorCodec('test-cursor-secret-0123456789'));
    const plan = (title: string, id: string = randomUUID()): PlannedTasks => ({
      actor,
      inputs: [{ title }],
      ids: [id],
      source: 'api',
      at: new Date(),
      pathOf: () => 'input',
    });
    const [existing] = await queue.submit(plan('first'));

    const outcomes = await Promise.allSettled([queue.submit(plan('a')), queue.submit(plan('duplicate', existing!.id)), queue.submit(plan('b')), queue.submit(plan('c'))]);

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/duplicate key|unique/i);
    const ids = outcomes.flatMap((o) => (o.status === 'fulfilled' ? o.value.map((t) => t.id) : []));
    const { tasks, events } = await writtenRows([existing!.id, ...ids]);
    expect(tasks.map((t) => t.id).sort()).toEqual([existing!.id, ...ids].sort());
    expect(events).toHaveLength(4);
    // The first alone, then the group of four: one attempt as a set, then one transaction each (three committed).
    expect(queue.committed.creates).toBe(4);
  });
});

describe('concurrent creates while the database connection is cut', () => {
  let app: TestPlanningApp;
  let proxy: TcpProxy;
  beforeAll(async () => {
    app = await startTestPlanningApp({
      databaseUrlOverride: async (url) => {
        const target = new URL(url);
        proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
        return proxy.urlFor(url);
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.stop();
  });

  it('when the connection drops while groups are being written, then every create answered with a task is committed with exactly one event, and the others failed', async () => {
    const caller = aCaller();
    // Sent in waves (20 at a time) and cut once 30 have been answered, so the cut falls among groups in flight.
    let answeredSoFar = 0;
    let cutDone!: () => void;
    const cutOnce = new Promise<void>((resolve) => (cutDone = resolve));
    const sendOne = async (i: number) => {
      const answer = await app.gql<{ createTask: { id: string } | null }>(caller, CREATE_TASK, { input: { title: `cut ${i}` } });
      if (++answeredSoFar === 30) {
        proxy.cut();
        cutDone();
      }
      return answer;
    };
    const answers: Array<Awaited<ReturnType<typeof sendOne>>> = [];
    for (let wave = 0; wave < 150; wave += 20) answers.push(...(await Promise.all(Array.from({ length: Math.min(20, 150 - wave) }, (_, i) => sendOne(wave + i)))));
    await cutOnce;
    proxy.restore();

    const answered = answers.filter((r) => r.data?.createTask).map((r) => r.data!.createTask!.id);
    const failed = answers.filter((r) => !r.data?.createTask);
    expect(answered.length + failed.length).toBe(150);
    expect(answered.length).toBeGreaterThan(0);
    for (const r of failed) expect(r.errors?.length, JSON.stringify(r)).toBeGreaterThan(0);
    const [tasks, events] = await eventually(() =>
      Promise.all([
        app.orm.em.fork().execute<Array<{ id: string }>>('select id from planning_tasks where org_id = ?', [caller.orgId]),
        app.orm.em.fork().execute<Array<{ aggregate_id: string }>>(`select aggregate_id from planning_outbox where envelope->>'org_id' = ?`, [caller.orgId]),
      ]),
    );
    const committed = new Set(tasks.map((t) => t.id));
    for (const id of answered) expect(committed.has(id), `answered ${id} is committed`).toBe(true);
    // Every committed task has its one event (none without, none twice), answered or not.
    expect(events.map((e) => e.aggregate_id).sort()).toEqual([...committed].sort());
  }, 60_000);
});

describe('creates waiting behind a stalled group', () => {
  let app: TestPlanningApp;
  let proxy: TcpProxy;
  beforeAll(async () => {
    app = await startTestPlanningApp({
      databaseUrlOverride: async (url) => {
        const target = new URL(url);
        proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
        return proxy.urlFor(url);
      },
    });
  });
  afterAll(async () => {
    proxy?.resume();
    await app?.close();
    await proxy?.stop();
  });

  it('when creates wait longer than maxWaitMs for the group before theirs, then they are refused unwritten as unavailable, and the group before commits', async () => {
    const caller = aCaller();
    const actor = { ...caller, roles: ['member' as const] };
    const queue = new TaskCreationQueue(app.orm, new CursorCodec('test-cursor-secret-0123456789'), { maxWaitMs: 300 });
    const plan = (title: string): PlannedTasks => ({ actor, inputs: [{ title }], ids: [randomUUID()], source: 'api', at: new Date(), pathOf: () => 'input' });

    proxy.stall();
    const first = queue.submit(plan('first'));
    await new Promise((resolve) => setImmediate(resolve));
    const waiting = [queue.submit(plan('late 1')), queue.submit(plan('late 2'))].map((p) => p.then(() => undefined, (error: unknown) => error));
    await new Promise((resolve) => setTimeout(resolve, 600));
    proxy.resume();

    const [created] = await first;
    const refusals = await Promise.all(waiting);
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(CreateQueueTimeoutError);
      expect(isDatabaseUnavailable(refusal)).toBe(true);
    }
    const rows = await app.orm.em.fork().execute<Array<{ title: string }>>('select title from planning_tasks where org_id = ?', [caller.orgId]);
    expect(rows.map((r) => r.title)).toEqual(['first']);
    expect(created!.title).toBe('first');
  });
});

/** `read` once it succeeds (the pool reconnects after a cut), for at most 20 s. */
async function eventually<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= 40) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
