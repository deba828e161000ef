import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTaskDocument, TaskListPageDocument } from '../../../src/components/index.js';
import { documentHashOf, knownOperations } from '../../../src/gateway/trusted-documents/known-operations.js';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';
import { rest } from '../rest/rest-client.js';

const UNKNOWN = 'query Probe { tasks(first: 100) { edges { node { id title description metadata } } } }';

/** POSTs a raw GraphQL body to the gateway with `token`. */
async function post(platform: TestPlatform, token: string, body: Record<string, unknown>) {
  const response = await fetch(platform.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const listPage = print(TaskListPageDocument);
const listPageHash = documentHashOf(listPage);

describe('GATEWAY_TRUSTED_DOCUMENTS_ONLY=on', () => {
  let platform: TestPlatform;
  let token: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ trustedDocumentsOnly: true, answerCacheSeconds: 0 });
    token = await platform.mintToken({ sub: 'u-trust', org_id: 'org-trust' });
  });
  afterAll(async () => platform?.close());

  it('when a query is not in the manifest, then it is refused with 400 naming the problem, before it runs', async () => {
    const answer = await post(platform, token, { query: UNKNOWN });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      errors: [{ message: expect.stringMatching(/^Only trusted documents are accepted here: this operation is not in the manifest/), extensions: { code: 'QUERY_NOT_IN_SAFELIST' } }],
    });
  });

  it('when a request sends only an unknown hash (APQ or documentId), then it is refused with 400 PERSISTED_QUERY_NOT_IN_LIST', async () => {
    const hash = documentHashOf(UNKNOWN);
    for (const body of [{ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }, { documentId: `sha256:${hash}` }]) {
      const answer = await post(platform, token, body);
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0]).toEqual({ message: expect.stringContaining(`no operation in the manifest has the hash "`), extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } });
    }
  });

  it('when a known operation is sent as its full text, reformatted, or by its hash (APQ, documentId), then it runs', async () => {
    const created = await post(platform, token, { query: print(CreateTaskDocument), variables: { input: { title: 'trusted' } } });
    expect(created.body.errors).toBeUndefined();
    const reformatted = listPage.replace(/\n\s*/g, ' ');
    expect(reformatted).not.toBe(listPage);
    const bodies = [
      { query: listPage },
      { query: reformatted },
      { extensions: { persistedQuery: { version: 1, sha256Hash: listPageHash } } },
      { documentId: listPageHash },
      { documentId: `sha256:${listPageHash}` },
    ];
    for (const body of bodies) {
      const answer = await post(platform, token, { ...body, variables: { first: 5 } });
      expect({ body, status: answer.status, errors: answer.body.errors }).toEqual({ body, status: 200, errors: undefined });
      expect(answer.body.data.tasks.edges.map((edge: any) => edge.node.title)).toEqual(['trusted']);
    }
  });

  it('when a known operation is asked by GET with only its hash, then it runs from the pinned store, unregistered', async () => {
    const search = new URLSearchParams({ extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: listPageHash } }), variables: '{"first":1}' });
    const response = await fetch(`${platform.gateway.url}?${search}`, { headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' } });
    const body = await response.json();
    expect({ status: response.status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    expect(body.data.tasks.totalCount).toBeGreaterThanOrEqual(0);
  });

  it('when the REST shim runs its operations, then they are trusted: reads and writes answer as without the mode', async () => {
    const created = await rest(platform, 'POST', '/api/planning/tasks', { token, body: { title: 'over REST' } });
    expect(created.status).toBe(200);
    const listed = await rest(platform, 'GET', '/api/planning/tasks', { token });
    expect(listed.status).toBe(200);
    expect(listed.body.tasks.map((task: any) => task.title)).toContain('over REST');
    const project = await rest(platform, 'POST', '/api/planning/projects', { token, body: { name: 'trusted project' } });
    expect(project.status).toBe(201);
  });

  it('then the manifest holds every frontend operation and every REST shim operation, each hash the SHA-256 of its document', () => {
    const operations = knownOperations();
    expect(operations.filter((o) => o.source === 'components').map((o) => o.name)).toEqual(expect.arrayContaining(['TaskListPage', 'CreateTask', 'ProjectList']));
    expect(operations.filter((o) => o.source === 'rest').map((o) => o.name)).toEqual(expect.arrayContaining(['RestListTasks', 'RestCreateTask', 'RestGetShadowProgress']));
    for (const operation of operations) expect(operation.sha256).toBe(documentHashOf(operation.document));
    expect(operations.find((o) => o.name === 'TaskListPage')?.sha256).toBe(listPageHash);
  });
});

describe('GATEWAY_TRUSTED_DOCUMENTS_ONLY=off (the default)', () => {
  let platform: TestPlatform;
  let token: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ answerCacheSeconds: 0 });
    token = await platform.mintToken({ sub: 'u-open', org_id: 'org-open' });
  });
  afterAll(async () => platform?.close());

  it('when a query is not in the manifest, then it runs as before', async () => {
    const answer = await post(platform, token, { query: UNKNOWN });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { tasks: { edges: [] } } });
  });

  it("when a known operation's hash arrives before its text, then Apollo's APQ answers PERSISTED_QUERY_NOT_FOUND as before", async () => {
    const answer = await post(platform, token, { extensions: { persistedQuery: { version: 1, sha256Hash: listPageHash } } });
    expect(answer.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});
