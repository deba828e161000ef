import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_MAX_BODY_BYTES } from '../../../src/gateway/gateway-server.js';
import { GRAPHQL_LIMITS } from '../../../src/gateway/graphql-hardening.js';
import { startTestPlatform, type GraphQLHttpResult, type TestPlatform } from '../../testkit/platform-app.js';

/** `parent { parent { ... { id } } }` nested `levels` deep. */
const parentChain = (levels: number): string => (levels === 0 ? 'id' : `parent { ${parentChain(levels - 1)} }`);

const messagesOf = (result: GraphQLHttpResult): string =>
  ((result.body?.errors ?? []) as Array<{ message: string }>).map((e) => e.message).join('\n');

/** Refused before execution: a 400 with errors, or a 200 carrying errors and no data. */
function expectRefused(result: GraphQLHttpResult, mentions: RegExp): void {
  expect([200, 400]).toContain(result.status);
  expect(result.body.errors?.[0]?.extensions?.code).toMatch(/^(GRAPHQL_VALIDATION_FAILED|GRAPHQL_PARSE_FAILED|BAD_USER_INPUT|BAD_REQUEST)$/);
  expect(result.body.data ?? null).toBeNull();
  expect(messagesOf(result)).toMatch(mentions);
}

function anOrg() {
  return { sub: `user-${randomUUID().slice(0, 8)}`, org_id: `org-${randomUUID().slice(0, 8)}` };
}

describe('gateway hardening (development)', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => platform?.close());

  /** Sends `mutation` as a fresh member; then checks that neither subgraph was called and no task exists. */
  async function expectMutationRefusedUntouched(mutation: string, mentions: RegExp) {
    const token = await platform.mintToken({ ...anOrg(), roles: ['member'] });
    const seenBefore = platform.comms.seenCallers.length;
    const result = await platform.gql(token, mutation);
    expectRefused(result, mentions);
    expect(platform.comms.seenCallers.length).toBe(seenBefore);
    const after = await platform.gql(token, '{ tasks { totalCount } }');
    expect(after.body.data.tasks.totalCount).toBe(0);
  }

  it('when a query is 12 levels deep, then it is refused for its depth before any subgraph runs', async () => {
    // createTask(1) > parent x10 (11) > id (12)
    await expectMutationRefusedUntouched(`mutation { createTask(input: {title: "too deep"}) { ${parentChain(10)} } }`, /depth/i);
  });

  it('when a query is exactly at the depth limit, then it runs', async () => {
    const token = await platform.mintToken({ ...anOrg(), roles: ['member'] });
    const depth = GRAPHQL_LIMITS.maxDepth; // tasks > edges > node > parent x(depth-4) > id
    const result = await platform.gql(token, `{ tasks { edges { node { ${parentChain(depth - 4)} } } } }`);
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data.tasks.edges).toEqual([]);
  });

  it('when a mutation carries 16 aliases, then it is refused and no task is created', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `t${i}: createTask(input: {title: "alias ${i}"}) { id }`).join(' ');
    await expectMutationRefusedUntouched(`mutation { ${aliases} }`, /alias/i);
  });

  it('when a query carries 15 aliases, then it runs', async () => {
    const token = await platform.mintToken(anOrg());
    const aliases = Array.from({ length: GRAPHQL_LIMITS.maxAliases }, (_, i) => `a${i}: __typename`).join(' ');
    const result = await platform.gql(token, `{ ${aliases} }`);
    expect(result.status).toBe(200);
    expect(result.body.data.a14).toBe('Query');
  });

  it('when a document has more than 2000 tokens, then it is refused and no task is created', async () => {
    const selections = Array.from({ length: 2100 }, () => 'id').join(' ');
    await expectMutationRefusedUntouched(`mutation { createTask(input: {title: "many tokens"}) { ${selections} } }`, /token/i);
  });

  it('when a document has more than 20 directives, then it is refused and no task is created', async () => {
    const selections = Array.from({ length: 25 }, () => 'id @include(if: true)').join(' ');
    await expectMutationRefusedUntouched(`mutation { createTask(input: {title: "many directives"}) { ${selections} } }`, /directive/i);
  });

  it('when a normal query and mutation are sent, then they run and reach the subgraphs', async () => {
    const token = await platform.mintToken({ ...anOrg(), roles: ['member'] });
    const created = await platform.gql(token, 'mutation { createTask(input: {title: "normal"}) { id title } }');
    expect(created.status).toBe(200);
    expect(created.body.errors).toBeUndefined();
    const read = await platform.gql(token, '{ tasks(first: 10) { totalCount edges { node { title callbacks { id } } } } }');
    expect(read.status).toBe(200);
    expect(read.body.data.tasks.totalCount).toBe(1);
    expect(read.body.data.tasks.edges[0].node.title).toBe('normal');
    // Resolved by comms, which has heard of no call about this task.
    expect(read.body.data.tasks.edges[0].node.callbacks).toEqual([]);
  });

  it('when introspection is asked outside production, then it answers with the schema', async () => {
    const token = await platform.mintToken(anOrg());
    const result = await platform.gql(token, '{ __schema { types { name } } }');
    expect(result.status).toBe(200);
    const names = (result.body.data.__schema.types as Array<{ name: string }>).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['Task', 'Project', 'CallRecord']));
  });

  it('when a field is misspelled outside production, then the error suggests the right one and carries no stack trace (a client mistake)', async () => {
    const token = await platform.mintToken(anOrg());
    const result = await platform.gql(token, '{ taks { totalCount } }');
    expect(result.status).toBe(400);
    expect(result.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.body.errors[0].message).toMatch(/Did you mean .*"tasks"/);
    expect(result.body.errors[0].extensions.stacktrace).toBeUndefined();
  });

  it('when a GET request carries a token but no preflight header, then CSRF prevention refuses it with 400', async () => {
    const token = await platform.mintToken(anOrg());
    const url = `${platform.gateway.url}?query=${encodeURIComponent('{__typename}')}`;
    const refused = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(400);
    const refusal = (await refused.json()).errors[0];
    expect(refusal.extensions.code).toBe('BAD_REQUEST');
    expect(refusal.message).toMatch(/^A GET to \/graphql needs the header `apollo-require-preflight: true` \(or `x-apollo-operation-name: <operation>`\)/);

    const textPost = await fetch(platform.gateway.url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{__typename}' }) });
    expect(textPost.status).toBe(400);
    expect((await textPost.json()).errors[0].message).toMatch(/content-type text\/plain .*send `content-type: application\/json`/);

    const named = await fetch(url, { headers: { authorization: `Bearer ${token}`, 'x-apollo-operation-name': 'Ping' } });
    expect(named.status).toBe(200);

    // the same request with the preflight header is allowed, so the 400 above is CSRF prevention
    const allowed = await fetch(url, { headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' } });
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('when a JSON array of two operations is posted (HTTP batching), then it is refused and nothing runs', async () => {
    const token = await platform.mintToken({ ...anOrg(), roles: ['member'] });
    const response = await fetch(platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify([
        { query: 'mutation { createTask(input: {title: "batched 1"}) { id } }' },
        { query: 'mutation { createTask(input: {title: "batched 2"}) { id } }' },
      ]),
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await response.text()).toMatch(/batch/i);
    const after = await platform.gql(token, '{ tasks { totalCount } }');
    expect(after.body.data.tasks.totalCount).toBe(0);
  });

  it('when the body is 300 KB, then it gets 413', async () => {
    const token = await platform.mintToken(anOrg());
    const padding = 'x'.repeat(300 * 1024);
    expect(300 * 1024).toBeGreaterThan(GATEWAY_MAX_BODY_BYTES);
    const result = await platform.gql(token, '{ __typename }', { padding });
    expect(result.status).toBe(413);
  });

  it('when a body just under the limit is sent, then it is accepted', async () => {
    const token = await platform.mintToken(anOrg());
    const result = await platform.gql(token, '{ __typename }', { padding: 'x'.repeat(200 * 1024) });
    expect(result.status).toBe(200);
    expect(result.body.data).toEqual({ __typename: 'Query' });
  });
});

describe('gateway hardening (production)', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ isProduction: true });
  });
  afterAll(async () => platform?.close());

  it('when introspection is asked in production, then it is refused', async () => {
    const token = await platform.mintToken(anOrg());
    const result = await platform.gql(token, '{ __schema { types { name } } }');
    expect(result.status).toBe(400);
    expect(result.body.data ?? null).toBeNull();
    expect(messagesOf(result)).toMatch(/introspection/i);
    expect(JSON.stringify(result.body)).not.toContain('CallRecord');
  });

  it('when `__type` is asked in production, then it is refused too', async () => {
    const token = await platform.mintToken(anOrg());
    const result = await platform.gql(token, '{ __type(name: "Task") { fields { name } } }');
    expect(result.status).toBe(400);
    expect(result.body.data ?? null).toBeNull();
    expect(JSON.stringify(result.body)).not.toContain('callbacks');
  });

  it('when a field is misspelled in production, then the error gives no suggestion and no stack trace', async () => {
    const token = await platform.mintToken(anOrg());
    const result = await platform.gql(token, '{ taks { totalCount } }');
    expect(result.status).toBe(400);
    expect(result.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.body.errors[0].message).toContain('"taks"');
    for (const error of result.body.errors) {
      expect(error.message).not.toMatch(/did you mean/i);
      expect(error.message).not.toContain('"tasks"');
      expect(error.extensions?.stacktrace).toBeUndefined();
    }
  });

  it.each([
    ['an enum literal', '{ tasks(filter: { status: [PENDIN] }) { totalCount } }', undefined],
    ['an enum in a variable', 'query($s: [TaskStatus!]) { tasks(filter: { status: $s }) { totalCount } }', { s: ['PENDIN'] }],
    ['an input field', '{ tasks(filter: { stats: [PENDING] }) { totalCount } }', undefined],
    ['an argument', '{ tasks(frist: 5) { totalCount } }', undefined],
  ])('when %s is misspelled in production, then no message names the schema\'s value', async (_what, query, variables) => {
    const token = await platform.mintToken(anOrg());
    const result = await platform.gql(token, query, variables);
    expect(result.body.errors[0].extensions.code).toMatch(/^(GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT)$/);
    const text = JSON.stringify(result.body.errors);
    expect(text).not.toMatch(/did you mean/i);
    expect(text).not.toMatch(/"PENDING"|\\"PENDING\\"|\\"status\\"|\\"first\\"/);
  });

  it('when a domain error comes back from a subgraph in production, then it keeps its code and carries no stack trace', async () => {
    const token = await platform.mintToken({ ...anOrg(), roles: ['viewer'] });
    const result = await platform.gql(token, 'mutation { createTask(input: {title: "viewer cannot"}) { id } }');
    expect(result.body.errors[0].extensions.code).toBe('FORBIDDEN');
    for (const error of result.body.errors) expect(error.extensions?.stacktrace).toBeUndefined();
  });

  it('when a document has too many tokens in production, then it is refused with 400 and no stack trace', async () => {
    const token = await platform.mintToken(anOrg());
    const result = await platform.gql(token, `{ ${Array.from({ length: 2100 }, () => '__typename').join(' ')} }`);
    expect(result.status).toBe(400);
    expectRefused(result, /token/i);
    for (const error of result.body.errors) expect(error.extensions?.stacktrace).toBeUndefined();
  });

  it('when a document is too deep in production, then it is refused without a stack trace', async () => {
    const token = await platform.mintToken(anOrg());
    const result = await platform.gql(token, `{ tasks { edges { node { ${parentChain(9)} } } } }`);
    expectRefused(result, /depth/i);
    for (const error of result.body.errors) expect(error.extensions?.stacktrace).toBeUndefined();
  });
});
