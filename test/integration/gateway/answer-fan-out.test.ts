import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_OPERATION_COST } from '../../../src/gateway/limits/operation-cost.js';
import { MAX_ANSWER_ITEMS } from '../../../src/subgraph/answer-size.js';
import { aCaller, createTask, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';

/** The query that exhausted the heap: 100 subtasks, each parent's 100 subtasks, three levels down (10^8 objects). */
const HEAP_ATTACK = 'query F($n:Int=100){tasks(first:$n,filter:{topLevel:false}){edges{node{parent{subtasks{parent{subtasks{parent{subtasks{id}}}}}}}}}}';

const hundredSubtasks = (parentId: string) =>
  Array.from({ length: 100 }, (_, i) => `{ title: "sub ${i}", parentId: "${parentId}" }`).join(', ');

describe('nested lists through the gateway', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    // The production defaults: 600 units per user, 1,200 per address.
    platform = await startTestPlatform({ rateLimits: { perUser: 600, perIp: 1200 } });
  });
  afterAll(async () => platform?.close());

  it('when a member sends the nested-subtasks query over a task with 100 subtasks, then it is refused at once for its cost and the gateway keeps answering', async () => {
    const token = await platform.mintToken({ roles: ['member'] });
    const parent = await platform.gql(token, 'mutation { createTask(input: {title: "P"}) { id } }');
    const parentId = parent.body.data.createTask.id;
    const created = await platform.gql(token, `mutation { createTasks(inputs: [${hundredSubtasks(parentId)}]) { id } }`);
    expect(created.body.data.createTasks).toHaveLength(100);
    const planningCallsBefore = await countPlanningTasks(platform, token);

    const attack = await platform.gql(token, HEAP_ATTACK);
    expect(attack.status).toBe(429);
    expect(attack.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', cost: MAX_OPERATION_COST, budget: 'user' });
    expect(attack.body.errors[0].message).toMatch(/more than the whole user budget/);
    // Nothing was charged for it: the whole budget (less the calls above) is still there, and the gateway answers.
    const after = await platform.gql(token, '{ tasks(first: 1) { totalCount } }');
    expect(after.status).toBe(200);
    expect(after.body.data.tasks.totalCount).toBe(planningCallsBefore);
    expect(Number(/r=(\d+)/.exec(after.headers.get('ratelimit') ?? '')?.[1])).toBeGreaterThan(500);
  });

  it('when the page size sits in a variable default, then the default is charged (a 100-row page with 100 subtasks each costs 506)', async () => {
    const token = await platform.mintToken({ roles: ['member'] });
    const query = 'query F($n: Int = 100) { tasks(first: $n) { edges { node { subtasks { id } } } } }';
    const first = await platform.gql(token, query);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit')).toMatch(/^"user";r=94;/);
    // A second one does not fit in the 94 units left.
    const second = await platform.gql(token, query);
    expect(second.status).toBe(429);
  });
});

async function countPlanningTasks(platform: TestPlatform, token: string): Promise<number> {
  const answer = await platform.gql(token, '{ tasks(first: 1) { totalCount } }');
  return answer.body.data.tasks.totalCount;
}

describe('nested lists at the planning subgraph', () => {
  let app: TestPlanningApp;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());

  it('when the subgraph itself gets the nested-subtasks query, then it answers one ANSWER_TOO_LARGE error without data and keeps serving', async () => {
    const caller = aCaller();
    const parent = await createTask(app, caller, { title: 'P' });
    await app.ok(caller, `mutation { createTasks(inputs: [${hundredSubtasks(parent.id)}]) { id } }`);

    const attack = await app.gql(caller, HEAP_ATTACK);
    expect(attack.status).toBe(200);
    expect(attack.data ?? null).toBeNull();
    expect(attack.errors).toHaveLength(1);
    expect(attack.errors![0]!.extensions).toMatchObject({ code: 'ANSWER_TOO_LARGE', maxItems: MAX_ANSWER_ITEMS });

    const next = await app.ok(caller, '{ tasks(first: 1) { totalCount } }');
    expect(next.tasks.totalCount).toBe(101);
  });

  it('when a task has more than 100 subtasks, then subtasks answers the first 100 in position order and subtaskCount all of them', async () => {
    const caller = aCaller();
    const parent = await createTask(app, caller, { title: 'P' });
    await app.ok(caller, `mutation { createTasks(inputs: [${hundredSubtasks(parent.id)}]) { id } }`);
    await app.ok(caller, `mutation { createTasks(inputs: [{ title: "sub 100", parentId: "${parent.id}" }, { title: "sub 101", parentId: "${parent.id}" }]) { id } }`);

    const all = await app.ok(caller, `{ task(id: "${parent.id}") { subtaskCount subtasks { title } few: subtasks(first: 3) { title } } }`);
    expect(all.task.subtaskCount).toBe(102);
    expect(all.task.subtasks).toHaveLength(100);
    expect(all.task.subtasks[0].title).toBe('sub 0');
    expect(all.task.subtasks[99].title).toBe('sub 99');
    expect(all.task.few.map((t: { title: string }) => t.title)).toEqual(['sub 0', 'sub 1', 'sub 2']);
  });

  it.each([0, 101, -1])('when subtasks(first: %i) is asked, then BAD_USER_INPUT names first', async (first) => {
    const caller = aCaller();
    const parent = await createTask(app, caller, { title: 'P' });
    const answer = await app.gql(caller, `{ task(id: "${parent.id}") { subtasks(first: ${first}) { id } } }`);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['first'] });
  });
});
