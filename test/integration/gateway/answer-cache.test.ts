import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';

const LIST = '{ tasks(first: 50) { edges { node { id title status project { name } } } totalCount } }';

describe('gateway answer cache (planning queries, exact invalidation)', () => {
  let platform: TestPlatform;
  const registry = new Registry();

  beforeAll(async () => {
    platform = await startTestPlatform({ metrics: { gateway: registry }, answerCacheSeconds: 300 });
  });
  afterAll(async () => platform?.close());

  const lookups = async () => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'gateway_subgraph_cache_lookups_total');
    const count = (outcome: string) => (metric?.values ?? []).filter((v) => v.labels.outcome === outcome).reduce((sum, v) => sum + v.value, 0);
    return { hit: count('hit'), miss: count('miss'), error: count('error') };
  };
  const titles = (result: { body: any }) => result.body.data.tasks.edges.map((e: any) => e.node.title).sort();

  it('when the same caller asks the same query twice, then the second answer comes from the cache and is identical', async () => {
    const token = await platform.mintToken({ sub: 'u-cache', org_id: 'org-cache-1' });
    await platform.gql(token, 'mutation { createTask(input: {title: "cached one"}) { id } }');
    const first = await platform.gql(token, LIST);
    // The first request of a document runs Apollo's plan; from the second on it is a single-fetch pass-through,
    // whose fetch text (the client's operation) is cached under its own key.
    await platform.gql(token, LIST);
    const before = await lookups();
    const second = await platform.gql(token, LIST);
    const after = await lookups();
    expect(second.body).toEqual(first.body);
    expect(after.hit - before.hit).toBe(1);
    expect(after.miss - before.miss).toBe(0);
  });

  it('when a variable is sent as null instead of being left out, then the two are different answers, each cached apart', async () => {
    const token = await platform.mintToken({ sub: 'u-null', org_id: 'org-cache-null' });
    for (const title of ['one', 'two', 'three']) await platform.gql(token, `mutation { createTask(input: {title: "${title}"}) { id } }`);
    // An explicit null overrides the default; a missing variable takes it.
    const query = 'query Defaulted($first: Int = 1) { tasks(first: $first) { edges { node { title } } } }';
    const sizes = async (variables: Record<string, unknown>) => (await platform.gql(token, query, variables)).body.data.tasks.edges.length;
    const absent = [await sizes({}), await sizes({}), await sizes({})];
    const explicitNull = [await sizes({ first: null }), await sizes({ first: null }), await sizes({ first: null })];
    expect(absent).toEqual([1, 1, 1]);
    expect(explicitNull).toEqual([3, 3, 3]);
    expect(await sizes({})).toBe(1);
  });

  it('when a task is created, changed, completed or deleted, then the next read shows it (no answer outlives a change)', async () => {
    const token = await platform.mintToken({ sub: 'u-writes', org_id: 'org-cache-2' });
    const create = await platform.gql(token, 'mutation { createTask(input: {title: "first"}) { id } }');
    expect(titles(await platform.gql(token, LIST))).toEqual(['first']);
    expect(titles(await platform.gql(token, LIST))).toEqual(['first']);

    await platform.gql(token, 'mutation { createTask(input: {title: "second"}) { id } }');
    expect(titles(await platform.gql(token, LIST))).toEqual(['first', 'second']);

    const id = create.body.data.createTask.id;
    await platform.gql(token, `mutation { updateTask(id: "${id}", input: {title: "first, renamed"}) { id } }`);
    expect(titles(await platform.gql(token, LIST))).toEqual(['first, renamed', 'second']);

    await platform.gql(token, `mutation { completeTask(id: "${id}") { id } }`);
    const statuses = (await platform.gql(token, LIST)).body.data.tasks.edges.map((e: any) => e.node.status).sort();
    expect(statuses).toEqual(['COMPLETED', 'PENDING']);

    const deleted = await platform.gql(token, `mutation { deleteTask(id: "${id}") { deletedId } }`);
    expect(deleted.body.data.deleteTask.deletedId).toBe(id);
    const afterDelete = await platform.gql(token, LIST);
    expect(titles(afterDelete)).toEqual(['second']);
    expect(afterDelete.body.data.tasks.totalCount).toBe(1);
  });

  it('when a project is renamed, then cached task pages show the new project name', async () => {
    const token = await platform.mintToken({ sub: 'u-proj', org_id: 'org-cache-3', roles: ['admin'] });
    const project = await platform.gql(token, 'mutation { createProject(input: {name: "Old name"}) { id } }');
    const projectId = project.body.data.createProject.id;
    await platform.gql(token, `mutation { createTask(input: {title: "in project", projectId: "${projectId}"}) { id } }`);
    const names = async () => (await platform.gql(token, LIST)).body.data.tasks.edges.map((e: any) => e.node.project?.name);
    expect(await names()).toEqual(['Old name']);
    expect(await names()).toEqual(['Old name']);
    await platform.gql(token, `mutation { updateProject(id: "${projectId}", input: {name: "New name"}) { id } }`);
    expect(await names()).toEqual(['New name']);
  });

  it("when another user or another org asks the same query, then each gets its own answer, never another caller's", async () => {
    const alice = await platform.mintToken({ sub: 'alice', org_id: 'org-cache-4' });
    const bob = await platform.mintToken({ sub: 'bob', org_id: 'org-cache-4' });
    const eve = await platform.mintToken({ sub: 'alice', org_id: 'org-cache-5' });
    await platform.gql(alice, 'mutation { createTask(input: {title: "org 4 task"}) { id } }');
    expect(titles(await platform.gql(alice, LIST))).toEqual(['org 4 task']);
    const before = await lookups();
    expect(titles(await platform.gql(bob, LIST))).toEqual(['org 4 task']);
    expect(titles(await platform.gql(eve, LIST))).toEqual([]);
    const after = await lookups();
    expect(after.hit - before.hit).toBe(0);
  });

  it('when an answer has errors, then it is not cached', async () => {
    const token = await platform.mintToken({ sub: 'u-err', org_id: 'org-cache-6' });
    const bad = '{ tasks(first: 5, after: "not-a-cursor") { edges { node { id } } } }';
    const first = await platform.gql(token, bad);
    expect(first.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['after'] });
    const before = await lookups();
    await platform.gql(token, bad);
    const after = await lookups();
    expect(after.hit - before.hit).toBe(0);
    expect(after.miss - before.miss).toBe(1);
  });

  it('when mutations and reads interleave under concurrent readers, then every read after a mutation answered sees it', async () => {
    const token = await platform.mintToken({ sub: 'u-race', org_id: 'org-cache-7' });
    let stop = false;
    // Background readers keep storing answers, some read before a change and stored after it.
    const readers = Array.from({ length: 4 }, async () => {
      while (!stop) await platform.gql(token, LIST);
    });
    try {
      for (let i = 0; i < 15; i++) {
        const created = await platform.gql(token, `mutation { createTask(input: {title: "race ${i}"}) { id } }`);
        expect(created.status).toBe(200);
        const seen = titles(await platform.gql(token, LIST));
        expect(seen).toContain(`race ${i}`);
        expect(seen).toHaveLength(i + 1);
      }
    } finally {
      stop = true;
      await Promise.all(readers);
    }
    const { hit } = await lookups();
    expect(hit).toBeGreaterThan(0);
  });
});
