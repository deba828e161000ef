import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { aCaller, createProject, createTask, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';
import { CREATE_TASK, CREATE_TASKS, DELETE_TASK, MOVE_TASK, expectNotFound } from './task-api.js';

const DELETE_PROJECT = 'mutation($id: ID!) { deleteProject(id: $id) { deletedId detachedTaskCount } }';

/**
 * Writes racing a delete in another transaction. The other transaction is a plain connection the test holds open,
 * so each race is played in one order on purpose: the write starts, waits on the other's lock, and then the other
 * commits. Needs a PostgreSQL server of its own (the embedded PGlite runs every connection in one session).
 */
describe.skipIf(!process.env.DATABASE_URL)('writes racing a delete or another write', () => {
  let app: TestPlanningApp;
  let other: pg.Client;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());
  afterEach(async () => {
    await other?.query('rollback').catch(() => undefined);
    await other?.end();
  });

  const sql = <T>(query: string, params: unknown[] = []) => app.orm.em.fork().execute<T[]>(query, params);

  /** Opens the other transaction. */
  async function beginOther() {
    other = new pg.Client({ connectionString: app.database.url });
    await other.connect();
    await other.query('begin');
    return other;
  }

  /** Resolves once a statement of this database waits on a lock (the write under test, behind the other transaction). */
  async function aWriteWaitsOnALock() {
    for (let attempt = 0; attempt < 500; attempt++) {
      const [row] = await sql<{ n: string }>(`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
      if (Number(row!.n) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('no statement came to wait on the other transaction within 5 s');
  }

  it('when a subtask is created while its parent is being deleted, then the create answers NOT_FOUND naming input.parentId and writes nothing', async () => {
    const caller = aCaller();
    const parent = await createTask(app, caller, { title: 'Parent' });
    await (await beginOther()).query('delete from planning_tasks where org_id = $1 and id = $2', [caller.orgId, parent.id]);

    const creating = app.gql(caller, CREATE_TASK, { input: { title: 'Too late', parentId: parent.id } });
    await aWriteWaitsOnALock();
    await other.query('commit');

    const error = expectNotFound(await creating, 'input.parentId');
    expect(error.extensions?.id).toBe(parent.id);
    expect(await sql('select id from planning_tasks where org_id = ?', [caller.orgId])).toEqual([]);
    const created = await sql<{ aggregate_id: string }>(`select aggregate_id from planning_outbox where envelope->>'org_id' = ? and event_type = 'planning.task.created'`, [caller.orgId]);
    expect(created.map((row) => row.aggregate_id)).toEqual([parent.id]);
  });

  it('when tasks are created in a project while it is being deleted, then createTasks answers NOT_FOUND naming the input and writes none of them', async () => {
    const caller = aCaller();
    const project = await createProject(app, caller, { name: 'Doomed' });
    await (await beginOther()).query('delete from planning_projects where org_id = $1 and id = $2', [caller.orgId, project.id]);

    const creating = app.gql(caller, CREATE_TASKS, { inputs: [{ title: 'Unfiled' }, { title: 'Filed', projectId: project.id }] });
    await aWriteWaitsOnALock();
    await other.query('commit');

    const error = expectNotFound(await creating, 'inputs.1.projectId');
    expect(error.extensions?.id).toBe(project.id);
    expect(await sql('select id from planning_tasks where org_id = ?', [caller.orgId])).toEqual([]);
  });

  it('when a task is deleted while a subtask of it is being created, then the subtask goes with it and each of the tasks has its deleted event', async () => {
    const caller = aCaller();
    const parent = await createTask(app, caller, { title: 'Parent' });
    const child = await createTask(app, caller, { title: 'Child', parentId: parent.id });
    // The other transaction writes a subtask of the child, as a create in flight does, and has not committed yet.
    const lateId = randomUUID();
    await (await beginOther()).query(
      `insert into planning_tasks (id, org_id, title, title_key, status, priority, parent_id, owner_id, created_at, updated_at)
       values ($1, $2, 'Late', 'late', 'PENDING', 2, $3, $4, now(), now())`,
      [lateId, caller.orgId, child.id, caller.userId],
    );

    const deleting = app.gql(caller, DELETE_TASK, { id: parent.id });
    await aWriteWaitsOnALock();
    await other.query('commit');

    expect((await deleting).data?.deleteTask).toEqual({ deletedId: parent.id });
    expect(await sql('select id from planning_tasks where org_id = ?', [caller.orgId])).toEqual([]);
    const deleted = await sql<{ aggregate_id: string }>(
      `select aggregate_id from planning_outbox where envelope->>'org_id' = ? and event_type = 'planning.task.deleted' order by seq`,
      [caller.orgId],
    );
    // Deepest first: the late subtask, its parent, then the deleted task.
    expect(deleted.map((row) => row.aggregate_id)).toEqual([lateId, child.id, parent.id]);
  });
  it('when a project is deleted while a task is being created in it, then the delete waits for the create, detaches its task too, and nothing deadlocks', async () => {
    const admin = aCaller({ roles: ['admin'] });
    const project = await createProject(app, admin, { name: 'Doomed' });
    const earlier = await createTask(app, admin, { projectId: project.id });
    // The other transaction is a create in flight: it holds the project as a create's check does, not yet its insert.
    await (await beginOther()).query('select id from planning_projects where org_id = $1 and id = $2 for key share', [admin.orgId, project.id]);

    const deleting = app.gql(admin, DELETE_PROJECT, { id: project.id });
    await aWriteWaitsOnALock();
    // Its insert must not wait on the delete (for the project's task counters): that would be a deadlock, broken only
    // after deadlock_timeout (1 s), so a wait of 300 ms fails the test.
    await other.query(`set local lock_timeout = '300ms'`);
    const lateId = randomUUID();
    await other.query(
      `insert into planning_tasks (id, org_id, title, title_key, status, priority, project_id, owner_id, created_at, updated_at)
       values ($1, $2, 'Late', 'late', 'PENDING', 2, $3, $4, now(), now())`,
      [lateId, admin.orgId, project.id, admin.userId],
    );
    await other.query('commit');

    expect((await deleting).data?.deleteProject).toEqual({ deletedId: project.id, detachedTaskCount: 2 });
    const tasks = await sql<{ id: string; project_id: string | null }>('select id, project_id from planning_tasks where org_id = ? order by id', [admin.orgId]);
    expect(tasks).toEqual([earlier.id, lateId].sort().map((id) => ({ id, project_id: null })));
  });

  it('when a subtask is created while its parent moves to another project, then the create answers CONFLICT naming input.parentId and writes nothing', async () => {
    const caller = aCaller();
    const [from, to] = [await createProject(app, caller, { name: 'From' }), await createProject(app, caller, { name: 'To' })];
    const parent = await createTask(app, caller, { title: 'Parent', projectId: from.id });
    // The other transaction is a move in flight: it holds the position lock of the parent's project, as moves do.
    const mover = await beginOther();
    await mover.query('select pg_advisory_xact_lock(hashtext($1))', [`planning_tasks:${caller.orgId}:${from.id}`]);
    await mover.query('update planning_tasks set project_id = $1 where org_id = $2 and id = $3', [to.id, caller.orgId, parent.id]);

    const creating = app.gql(caller, CREATE_TASK, { input: { title: 'Follows its parent', parentId: parent.id } });
    await aWriteWaitsOnALock();
    await mover.query('commit');

    const answer = await creating;
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.parentId', id: parent.id });
    expect(answer.errors?.[0]?.message).toMatch(/moved to another project.*retry/);
    const written = await sql<{ title: string }>('select title from planning_tasks where org_id = ?', [caller.orgId]);
    expect(written.map((row) => row.title)).toEqual(['Parent']);
  });

  it('when concurrent creates are committed together and one names a parent deleted meanwhile, then that one alone answers NOT_FOUND and the others are written', async () => {
    const caller = aCaller();
    const parent = await createTask(app, caller, { title: 'Parent' });
    await (await beginOther()).query('delete from planning_tasks where org_id = $1 and id = $2', [caller.orgId, parent.id]);

    const creating = Promise.all([
      app.gql(caller, CREATE_TASK, { input: { title: 'Fine 1' } }),
      app.gql(caller, CREATE_TASK, { input: { title: 'Orphan', parentId: parent.id } }),
      app.gql(caller, CREATE_TASK, { input: { title: 'Fine 2' } }),
    ]);
    await aWriteWaitsOnALock();
    await other.query('commit');

    const [fine1, orphan, fine2] = await creating;
    expectNotFound(orphan!, 'input.parentId');
    const written = await sql<{ title: string }>('select title from planning_tasks where org_id = ? order by title', [caller.orgId]);
    expect(written.map((row) => row.title)).toEqual(['Fine 1', 'Fine 2']);
    expect([fine1!.errors, fine2!.errors]).toEqual([undefined, undefined]);
  });

  it('when a move is chosen to break a deadlock, then it runs again once the other side is through and succeeds (not a CONFLICT)', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller, { title: 'Moved' });
    const ahead = await createTask(app, caller, { title: 'Ahead' });
    // The other transaction holds the task's row; the move takes its scope's position lock, then waits for the row.
    const holder = await beginOther();
    // PostgreSQL breaks a cycle in the backend whose deadlock_timeout (1 s) runs out first: here, the move's.
    await holder.query(`set local deadlock_timeout = '30s'`);
    await holder.query('select id from planning_tasks where id = $1 for update', [task.id]);

    const changing = app.gql(caller, MOVE_TASK, { id: task.id, input: { position: 1 } });
    await aWriteWaitsOnALock();
    // Now the other side asks for the same position lock: a cycle, which PostgreSQL ends by aborting the move's transaction.
    await holder.query('select pg_advisory_xact_lock(hashtext($1))', [`planning_tasks:${caller.orgId}:-`]);
    await holder.query('commit');

    const answer = await changing;
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.moveTask).toMatchObject({ id: task.id, position: 1, version: 2 });
    expect((await sql<{ position: number }>('select position from planning_tasks where id = ?', [ahead.id]))[0]?.position).toBe(0);
  });
});
