import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrape } from '../../testkit/metrics-scrape.js';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';

/** Development answers carry stack traces, which name the code that made the error: compare without them. */
const withoutStack = (body: any) =>
  body.errors
    ? { ...body, errors: body.errors.map(({ extensions: { stacktrace: _stack, ...extensions }, ...error }: any) => ({ ...error, extensions })) }
    : body;

/**
 * The gateway answers an operation planned as one planning fetch with the subgraph's own answer (from the second
 * request of a document on). Every case here asks the same document several times: the first answer comes from
 * Apollo's query plan execution, the later ones from the pass-through, and they must be the same.
 */
describe('single-fetch pass-through', () => {
  let platform: TestPlatform;
  let token: string;
  const registry = new Registry();
  const passthroughs = async () => (await scrape(`${platform.gateway.origin}/metrics`)).value('gateway_single_fetch_operations_total', { subgraph: 'planning' });

  /** Sends `query` `times` times; returns the answers and how many of them took the pass-through. */
  async function repeat(query: string, variables?: Record<string, unknown>, times = 3) {
    const before = await passthroughs();
    const answers = [];
    for (let i = 0; i < times; i++) answers.push(await platform.gql(token, query, variables));
    return { answers, passedThrough: (await passthroughs()) - before };
  }

  /** POSTs a raw GraphQL body (e.g. with an operationName) with the caller's token. */
  async function post(body: Record<string, unknown>) {
    const response = await fetch(platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  beforeAll(async () => {
    platform = await startTestPlatform({ answerCacheSeconds: 0, metrics: { gateway: registry } });
    token = await platform.mintToken({ sub: 'u-pass', org_id: 'org-pass' });
    const project = await platform.gql(token, 'mutation { createProject(input: {name: "Pass"}) { id } }');
    const projectId = project.body.data.createProject.id;
    for (let i = 0; i < 4; i++) {
      const created = await platform.gql(token, `mutation { createTask(input: {title: "task ${i}", projectId: "${projectId}", tags: ["t${i}", "all"]}) { id } }`);
      await platform.gql(token, `mutation { createTask(input: {title: "sub ${i}", parentId: "${created.body.data.createTask.id}"}) { id } }`);
    }
  });
  afterAll(async () => platform?.close());

  it('when a planning-only query with aliases, fragments, directives and __typename is repeated, then the later answers pass through and equal the first', async () => {
    const query = `query Page($first: Int!, $withTags: Boolean!, $noProject: Boolean!) {
      list: tasks(first: $first, filter: { topLevel: true }) {
        __typename
        totalCount
        edges { cursor node { ...TaskFields project @skip(if: $noProject) { label: name } } }
        pageInfo { hasNextPage endCursor }
      }
    }
    fragment TaskFields on Task { id heading: title tags @include(if: $withTags) ...Counts __typename }
    fragment Counts on Task { subtaskCount subtasks { id title } }`;
    for (const variables of [
      { first: 3, withTags: true, noProject: false },
      { first: 10, withTags: false, noProject: true },
    ]) {
      const { answers, passedThrough } = await repeat(query, variables);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(answers[0]!.body.errors).toBeUndefined();
      expect(answers[1]!.body).toEqual(answers[0]!.body);
      expect(answers[2]!.body).toEqual(answers[0]!.body);
      // The order of the keys is part of the answer too.
      expect(JSON.stringify(answers[2]!.body)).toBe(JSON.stringify(answers[0]!.body));
      expect(passedThrough).toBeGreaterThanOrEqual(2);
    }
    const first = (await platform.gql(token, query, { first: 3, withTags: true, noProject: false })).body.data.list;
    expect(first.edges).toHaveLength(3);
    expect(first.edges[0].node).toMatchObject({ __typename: 'Task', project: { label: 'Pass' }, subtaskCount: 1 });
    expect(first.edges[0].node.tags).toContain('all');
    const second = (await platform.gql(token, query, { first: 10, withTags: false, noProject: true })).body.data.list;
    expect(second.edges[0].node).not.toHaveProperty('tags');
    expect(second.edges[0].node).not.toHaveProperty('project');
  });

  it('when a document holds another operation and a fragment naming another module, then the planning-only operation still passes through', async () => {
    const query = `query Spanning { tasks(first: 2) { edges { node { ...WithCalls } } } }
      query PlanningOnly { tasks(first: 2) { edges { node { id title } } } }
      fragment WithCalls on Task { id callbacks { id phone } }`;
    const before = await passthroughs();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await post({ query, operationName: 'PlanningOnly' }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers[0]!.body.data.tasks.edges).toHaveLength(2);
    expect(answers[1]!.body).toEqual(answers[0]!.body);
    expect(answers[2]!.body).toEqual(answers[0]!.body);
    expect((await passthroughs()) - before).toBe(2);
  });

  it('when a query also asks the comms module, then it never passes through and every answer joins both modules', async () => {
    const { answers, passedThrough } = await repeat('{ tasks(first: 2) { edges { node { id callbacks { id } } } } }');
    expect(passedThrough).toBe(0);
    for (const answer of answers) {
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.tasks.edges[0].node.callbacks).toBeInstanceOf(Array);
    }
    expect(answers[2]!.body).toEqual(answers[0]!.body);
  });

  it('when introspection is asked beside planning fields, then the gateway answers it from the API schema, never the subgraph', async () => {
    const { answers, passedThrough } = await repeat('{ __schema { queryType { name } } service: __type(name: "_Service") { name } tasks(first: 1) { totalCount } }');
    expect(passedThrough).toBe(0);
    for (const answer of answers) {
      expect(answer.body.errors).toBeUndefined();
      // _Service exists in the subgraph's schema only: the API schema has no such type.
      expect(answer.body.data).toEqual({ __schema: { queryType: { name: 'Query' } }, service: null, tasks: { totalCount: 8 } });
    }
  });

  it('when a planning mutation is repeated, then it passes through, writes each time and answers in the same shape', async () => {
    const mutation = 'mutation Add { createTask(input: {title: "through", tags: ["x"]}) { title tags status version } }';
    const { answers, passedThrough } = await repeat(mutation);
    expect(passedThrough).toBe(2);
    for (const answer of answers) expect(answer.body).toEqual({ data: { createTask: { title: 'through', tags: ['x'], status: 'PENDING', version: 1 } } });
    const count = await platform.gql(token, '{ tasks(filter: { search: "through" }) { totalCount } }');
    expect(count.body.data.tasks.totalCount).toBe(3);
  });

  it('when the subgraph answers an error, then the passed-through answer carries it exactly as Apollo reports it', async () => {
    const mutation = 'mutation Missing { updateTask(id: "00000000-0000-4000-8000-000000000000", input: {title: "x"}) { id } }';
    const { answers, passedThrough } = await repeat(mutation);
    expect(passedThrough).toBe(2);
    const [first, ...rest] = answers;
    expect(first!.body.data).toBeNull();
    expect(first!.body.errors).toHaveLength(1);
    expect(first!.body.errors[0]).toMatchObject({ path: ['updateTask'], extensions: { code: 'NOT_FOUND', serviceName: 'planning' } });
    for (const answer of rest) {
      expect(answer.status).toBe(first!.status);
      expect(answer.body).toEqual(first!.body);
      // A domain error is the client's: no stack trace, on either path.
      expect(answer.body.errors[0].extensions.stacktrace).toBeUndefined();
    }
  });

  it('when a repeated document comes with variables of the wrong type, then it is refused before any fetch, as on the first request', async () => {
    const query = 'query Sized($first: Int!) { tasks(first: $first) { totalCount } }';
    const good = await repeat(query, { first: 1 }, 2);
    expect(good.passedThrough).toBe(1);
    const before = await passthroughs();
    const wrong = await platform.gql(token, query, { first: 'many' });
    const missing = await platform.gql(token, query, {});
    expect(await passthroughs()).toBe(before);
    // The same document spelt differently has no route yet: Apollo's own answer to compare with.
    const respelt = `${query} `;
    const apolloWrong = await platform.gql(token, respelt, { first: 'many' });
    const apolloMissing = await platform.gql(token, respelt, {});
    expect(wrong.status).toBe(apolloWrong.status);
    expect(withoutStack(wrong.body)).toEqual(withoutStack(apolloWrong.body));
    expect(withoutStack(missing.body)).toEqual(withoutStack(apolloMissing.body));
    expect(wrong.body.errors[0].message).toContain('"many"');
    expect(missing.body.errors[0].message).toContain('$first');
  });

  it('when a document names its only operation with an empty operationName and bad variables, then it is refused as Apollo refuses it', async () => {
    const query = 'query ($first: Int!) { tasks(first: $first) { totalCount } }';
    const good = await repeat(query, { first: 1 }, 2);
    expect(good.passedThrough).toBe(1);
    const before = await passthroughs();
    const passed = await post({ query, operationName: '', variables: { first: 'x' } });
    expect(await passthroughs()).toBe(before);
    const apollo = await post({ query: `${query} `, operationName: '', variables: { first: 'x' } });
    expect(passed.status).toBe(apollo.status);
    expect(withoutStack(passed.body)).toEqual(withoutStack(apollo.body));
    expect(passed.body.errors[0].message).toContain('"x"');
    expect(JSON.stringify(passed.body)).not.toContain(platform.planning.url);
  });

  it("when Apollo's shaping refuses a variable (null for an @include condition), then the passed-through answer is the same refusal", async () => {
    const query = 'query Included($x: Boolean = true) { __typename @include(if: $x) tasks(first: 1) { totalCount } }';
    const good = await repeat(query, { x: true }, 2);
    expect(good.passedThrough).toBe(1);
    expect(good.answers[1]!.body).toEqual(good.answers[0]!.body);
    const passed = await platform.gql(token, query, { x: null });
    const apollo = await platform.gql(token, `${query} `, { x: null });
    expect(passed.status).toBe(apollo.status);
    expect(passed.status).toBeLessThan(500);
    expect(withoutStack(passed.body)).toEqual(withoutStack(apollo.body));
  });

  it('when a selection repeats inline fragments on one type, then the fields come in the order Apollo gives them', async () => {
    const query = `{ ... on Query { tasks(first: 1) { totalCount } } projects(first: 1) { totalCount } ... on Query { tasks(first: 1) { edges { node { ... on Task { id } title ... on Task { status } } } } } }`;
    const { answers, passedThrough } = await repeat(query);
    expect(passedThrough).toBe(2);
    expect(answers[0]!.body.errors).toBeUndefined();
    expect(Object.keys(answers[0]!.body.data.tasks.edges[0].node)).toEqual(['id', 'status', 'title']);
    for (const answer of answers.slice(1)) expect(JSON.stringify(answer.body)).toBe(JSON.stringify(answers[0]!.body));
  });

  it('when a field is aliased as __typename, then it never passes through (Apollo reads that key as the type)', async () => {
    const { answers, passedThrough } = await repeat('{ tasks(first: 1) { edges { node { __typename: title id } } } }');
    expect(passedThrough).toBe(0);
    expect(withoutStack(answers[2]!.body)).toEqual(withoutStack(answers[0]!.body));
  });

  it('when the planning subgraph is down, then the passed-through answer is the same error and nulls as Apollo gives', async () => {
    const query = 'query Down { tasks(first: 1) { totalCount } }';
    const warm = await repeat(query, undefined, 2);
    expect(warm.passedThrough).toBe(1);
    await platform.planning.stop();
    const before = await passthroughs();
    const passed = await platform.gql(token, query);
    expect((await passthroughs()) - before).toBe(1);
    const apollo = await platform.gql(token, `${query} `);
    expect(passed.status).toBe(apollo.status);
    expect(passed.body.data).toEqual(apollo.body.data);
    expect(passed.body.errors.map((e: any) => [e.message, e.extensions?.code])).toEqual(apollo.body.errors.map((e: any) => [e.message, e.extensions?.code]));
    expect(passed.body.errors[0].extensions.code).toEqual(expect.any(String));
  });
});

describe('single-fetch pass-through switched off (GATEWAY_SINGLE_FETCH_PASSTHROUGH=off)', () => {
  let platform: TestPlatform;
  const registry = new Registry();
  beforeAll(async () => {
    platform = await startTestPlatform({ answerCacheSeconds: 0, metrics: { gateway: registry }, singleFetchPassthrough: false });
  });
  afterAll(async () => platform?.close());

  it('when a planning-only query is repeated, then every answer comes from Apollo and none passes through', async () => {
    const token = await platform.mintToken({ sub: 'u-off', org_id: 'org-off' });
    await platform.gql(token, 'mutation { createTask(input: {title: "off"}) { id } }');
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await platform.gql(token, '{ tasks(first: 5) { edges { node { title } } } }'));
    for (const answer of answers) expect(answer.body).toEqual({ data: { tasks: { edges: [{ node: { title: 'off' } }] } } });
    const scraped = await scrape(`${platform.gateway.origin}/metrics`);
    expect(scraped.value('gateway_single_fetch_operations_total')).toBe(0);
    // The counter exists on this gateway: it is the pass-through that is off, not the metric.
    expect(scraped.text).toContain('gateway_single_fetch_operations_total');
  });
});
