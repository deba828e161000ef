import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCaller, createProject, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';
import { CREATE_TASK, CREATE_TASKS, UPDATE_TASK, countTasks, expectNotFound, onlyError, readTask } from './task-api.js';

const aKey = () => `key-${randomUUID()}`;

describe('idempotent task creation', () => {
  let app: TestPlanningApp;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());

  it('when the same key and input are sent twice, then the second call returns the first task and writes no row', async () => {
    const caller = aCaller();
    const key = aKey();
    const input = { title: 'Call back Ada', priority: 'HIGH', tags: ['call'] };

    const first = (await app.ok(caller, CREATE_TASK, { input, key })).createTask;
    const second = (await app.ok(caller, CREATE_TASK, { input, key })).createTask;

    expect(second.id).toBe(first.id);
    expect(second).toEqual(first);
    expect(await countTasks(app, caller)).toBe(1);
  });

  it('when a retry spells the same input with other key order and explicit defaults, then it is still a replay', async () => {
    const caller = aCaller();
    const key = aKey();
    const first = (await app.ok(caller, CREATE_TASK, { input: { title: 'Same', tags: ['a'] }, key })).createTask;

    const retry = await app.ok(caller, CREATE_TASK, { input: { tags: ['a'], priority: 'MEDIUM', title: 'Same' }, key });

    expect(retry.createTask.id).toBe(first.id);
    expect(await countTasks(app, caller)).toBe(1);
  });

  it('when the keyed task was changed in between, then the replay returns that task as it is now', async () => {
    const caller = aCaller();
    const key = aKey();
    const input = { title: 'Original' };
    const first = (await app.ok(caller, CREATE_TASK, { input, key })).createTask;
    await app.ok(caller, UPDATE_TASK, { id: first.id, input: { title: 'Renamed' } });

    const replay = (await app.ok(caller, CREATE_TASK, { input, key })).createTask;

    expect(replay).toMatchObject({ id: first.id, title: 'Renamed', version: 2 });
    expect(await countTasks(app, caller)).toBe(1);
  });

  it('when the same key comes with a different input, then CONFLICT names idempotencyKey and nothing is written', async () => {
    const caller = aCaller();
    const key = aKey();
    const first = (await app.ok(caller, CREATE_TASK, { input: { title: 'First' }, key })).createTask;

    const result = await app.gql(caller, CREATE_TASK, { input: { title: 'Something else' }, key });

    expect(onlyError(result).extensions).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
    expect(result.data ?? null).toBeNull();
    expect(await countTasks(app, caller)).toBe(1);
    expect((await readTask(app, caller, first.id)).title).toBe('First');
  });

  it('when two users of one org use the same key, then each gets a task of their own', async () => {
    const alice = aCaller();
    const bob = aCaller({ orgId: alice.orgId });
    const key = aKey();
    const input = { title: 'Same words' };

    const forAlice = (await app.ok(alice, CREATE_TASK, { input, key })).createTask;
    const forBob = (await app.ok(bob, CREATE_TASK, { input, key })).createTask;

    expect(forBob.id).not.toBe(forAlice.id);
    expect(forAlice.owner).toEqual({ id: alice.userId });
    expect(forBob.owner).toEqual({ id: bob.userId });
    expect(await countTasks(app, alice)).toBe(2);
  });

  it('when two orgs use the same key and user id, then each org gets its own task', async () => {
    const first = aCaller();
    const second = aCaller({ userId: first.userId });
    const key = aKey();

    const a = (await app.ok(first, CREATE_TASK, { input: { title: 'Shared key' }, key })).createTask;
    const b = (await app.ok(second, CREATE_TASK, { input: { title: 'Shared key' }, key })).createTask;

    expect(b.id).not.toBe(a.id);
    expect(await countTasks(app, first)).toBe(1);
    expect(await countTasks(app, second)).toBe(1);
  });

  it('when five requests with the same key arrive at once, then exactly one task is written and all get it', async () => {
    const caller = aCaller();
    const key = aKey();
    const input = { title: 'Only once' };

    const results = await Promise.all(Array.from({ length: 5 }, () => app.gql(caller, CREATE_TASK, { input, key })));

    for (const result of results) expect(result.errors).toBeUndefined();
    const ids = new Set(results.map((r) => r.data.createTask.id));
    expect(ids.size).toBe(1);
    expect(await countTasks(app, caller)).toBe(1);
  });

  it('when a bulk create is repeated with its key, then the same ids come back in the same order and no rows are added', async () => {
    const caller = aCaller();
    const key = aKey();
    const inputs = ['One', 'Two', 'Three'].map((title) => ({ title }));

    const first = (await app.ok(caller, CREATE_TASKS, { inputs, key })).createTasks;
    const second = (await app.ok(caller, CREATE_TASKS, { inputs, key })).createTasks;

    expect(first.map((t: { title: string }) => t.title)).toEqual(['One', 'Two', 'Three']);
    expect(second.map((t: { id: string }) => t.id)).toEqual(first.map((t: { id: string }) => t.id));
    expect(await countTasks(app, caller)).toBe(3);
  });

  it('when a keyed bulk create is repeated with a different list, then CONFLICT and no rows are added', async () => {
    const caller = aCaller();
    const key = aKey();
    await app.ok(caller, CREATE_TASKS, { inputs: [{ title: 'One' }, { title: 'Two' }], key });

    const result = await app.gql(caller, CREATE_TASKS, { inputs: [{ title: 'Two' }, { title: 'One' }], key });

    expect(onlyError(result).extensions?.code).toBe('CONFLICT');
    expect(await countTasks(app, caller)).toBe(2);
  });

  it('when a keyed create fails, then the key is not used up and a corrected retry creates the task', async () => {
    const caller = aCaller();
    const key = aKey();
    const failed = await app.gql(caller, CREATE_TASK, {
      input: { title: 'Retry me', projectId: '00000000-0000-4000-8000-000000000000' },
      key,
    });
    expectNotFound(failed, 'input.projectId');
    const project = await createProject(app, caller);

    const retried = (await app.ok(caller, CREATE_TASK, { input: { title: 'Retry me', projectId: project.id }, key })).createTask;

    expect(retried.project).toMatchObject({ id: project.id });
    expect(await countTasks(app, caller)).toBe(1);
  });

  it('when no key is given, then the same input twice makes two tasks', async () => {
    const caller = aCaller();

    const a = (await app.ok(caller, CREATE_TASK, { input: { title: 'Twice' } })).createTask;
    const b = (await app.ok(caller, CREATE_TASK, { input: { title: 'Twice' } })).createTask;

    expect(b.id).not.toBe(a.id);
    expect(await countTasks(app, caller)).toBe(2);
  });
});
