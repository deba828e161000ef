import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LABEL_LENGTH } from '../../../src/platform/metrics/bounded-label.js';
import { createMetricsRegistry } from '../../../src/platform/metrics/metrics-registry.js';
import { captureLogs, type CapturedLogs } from '../../testkit/captured-logs.js';
import { scrape } from '../../testkit/metrics-scrape.js';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';

/** `{"a": {"a": ... {}}}` nested `levels` deep, written out (JSON.stringify with a replacer cannot go that deep). */
const nestedJson = (levels: number) => `${'{"a":'.repeat(levels)}{}${'}'.repeat(levels)}`;

/** Sends raw bytes and resolves with the first HTTP status line the server answers (or 'closed' without one). */
function rawRequest(port: number, head: string, body = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head + body));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) {
        resolve(answer.split('\r\n')[0]!);
        socket.destroy();
      }
    });
    socket.on('close', () => resolve('closed'));
    socket.on('error', reject);
  });
}

describe.each([false, true])('the gateway against malformed and hostile requests (production: %s)', (isProduction) => {
  let platform: TestPlatform;
  let logs: CapturedLogs;
  let token: string;
  beforeAll(async () => {
    logs = captureLogs('info');
    platform = await startTestPlatform({ isProduction, logger: logs.logger, metrics: { gateway: createMetricsRegistry('gateway'), gatewayAccess: 'open' }, requestTimeoutMs: 2000 });
    token = await platform.mintToken({ roles: ['member'] });
  });
  afterAll(async () => platform?.close());

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(platform.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers }, body });

  it('when operations cannot be chosen from the document, then 400 OPERATION_RESOLUTION_FAILURE, never 500', async () => {
    for (const body of [
      { query: 'query X { __typename }', operationName: 'Y' },
      { query: 'query X { __typename } query Z { __typename }' },
      { query: 'subscription { tasks { totalCount } }' },
    ]) {
      const answer = await post(JSON.stringify(body));
      expect(answer.status, JSON.stringify(body)).toBe(400);
      const { errors } = await answer.json();
      expect(errors[0].extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
      expect(errors[0].extensions.stacktrace).toBeUndefined();
    }
    // ... and the two-operation document runs once it names one.
    const named = await post(JSON.stringify({ query: 'query X { __typename } query Z { __typename }', operationName: 'Z' }));
    expect(named.status).toBe(200);
  });

  it('when a sweep of malformed requests is sent to every route, then none is answered 5xx', async () => {
    const requests: Array<[string, RequestInit & { path?: string }]> = [
      ['unknown operationName', { body: JSON.stringify({ query: '{ __typename }', operationName: 'Nope' }) }],
      ['operationName not a string', { body: JSON.stringify({ query: '{ __typename }', operationName: 5 }) }],
      ['query not a string', { body: JSON.stringify({ query: 5 }) }],
      ['variables a string', { body: JSON.stringify({ query: '{ __typename }', variables: 'x' }) }],
      ['extensions a string', { body: JSON.stringify({ query: '{ __typename }', extensions: 'x' }) }],
      ['body null', { body: 'null' }],
      ['body an array', { body: '[1]' }],
      ['body not JSON', { body: '{"query":' }],
      ['persisted query version 2', { body: JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 2, sha256Hash: 'x' } } }) }],
      ['persisted query hash mismatch', { body: JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }) }],
      ['persisted query hash not a string', { body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 7 } } }) }],
      ['a lone surrogate in a title', { body: JSON.stringify({ query: 'mutation($t: String!) { createTask(input: {title: $t}) { id } }', variables: { t: 'x\ud800' } }) }],
      ['a lone surrogate as an id', { body: JSON.stringify({ query: 'query($id: ID!) { task(id: $id) { id } }', variables: { id: '\udc00' } }) }],
      ['metadata nested 2,200 levels', { body: `{"query":"mutation($m: JSON) { createTask(input: {title: \\"t\\", metadata: $m}) { id } }","variables":{"m":${nestedJson(2200)}}}` }],
      ['an enum value misspelled', { body: JSON.stringify({ query: '{ tasks(filter: {status: [DONE]}) { totalCount } }' }) }],
      ['an unknown field', { body: JSON.stringify({ query: '{ nothing }' }) }],
      ['a huge page size', { body: JSON.stringify({ query: '{ tasks(first: 100000000000000000000) { totalCount } }' }) }],
      ['a page size of -1', { body: JSON.stringify({ query: '{ tasks(first: -1) { totalCount } }' }) }],
      ['a tampered cursor', { body: JSON.stringify({ query: '{ tasks(after: "x.y") { totalCount } }' }) }],
      ['a GET with bad variables JSON', { method: 'GET', path: '/graphql?query=%7B__typename%7D&variables=%7B', headers: { 'apollo-require-preflight': '1' } }],
      ['a GET with a mutation', { method: 'GET', path: '/graphql?query=mutation%7BdeleteTask(id%3A%22x%22)%7BdeletedId%7D%7D', headers: { 'apollo-require-preflight': '1' } }],
      ['a PUT', { method: 'PUT', body: '{}' }],
      ['REST list with limit abc', { method: 'GET', path: '/api/planning/tasks?limit=abc' }],
      ['REST create with bad JSON', { method: 'POST', path: '/api/planning/tasks', body: '{"title":' }],
      ['REST create with nested metadata', { method: 'POST', path: '/api/planning/tasks', body: `{"title":"t","metadata":${nestedJson(2200)}}` }],
      ['REST create with a lone surrogate', { method: 'POST', path: '/api/planning/tasks', body: JSON.stringify({ title: 'x\ud800' }) }],
      ['REST id with a NUL', { method: 'GET', path: '/api/planning/tasks/%00' }],
      ['REST path traversal', { method: 'GET', path: '/api/planning/tasks/..%2F..%2Fetc' }],
      ['REST patch of an array body', { method: 'PATCH', path: '/api/planning/tasks/00000000-0000-4000-8000-000000000000', body: '[]' }],
      ['REST unknown route', { method: 'GET', path: '/api/planning/nothing' }],
      ['login text/plain', { method: 'POST', path: '/auth/login', body: 'x', headers: { 'content-type': 'text/plain' } }],
      ['login array', { method: 'POST', path: '/auth/login', body: '[]' }],
      ['logout with a junk token', { method: 'POST', path: '/auth/logout', headers: { authorization: 'Bearer junk' } }],
      ['docs with POST', { method: 'POST', path: '/docs' }],
    ];
    for (const [what, { path = '/graphql', ...init }] of requests) {
      const answer = await fetch(`${platform.gateway.origin}${path}`, {
        method: init.method ?? 'POST',
        ...init,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
      });
      expect(answer.status, what).toBeLessThan(500);
      expect(answer.status, what).toBeGreaterThanOrEqual(200);
    }
    expect(logs.records().filter((r) => r.level >= 50)).toEqual([]);
  });

  it('when a JSON variable nests 2,200 levels (a 13 KB body), then 400 BAD_USER_INPUT names the variable, and REST answers 422 naming the field', async () => {
    const graphql = await post(`{"query":"mutation($m: JSON) { createTask(input: {title: \\"deep\\", metadata: $m}) { id } }","variables":{"m":${nestedJson(2200)}}}`);
    expect(graphql.status).toBe(400);
    const { errors } = await graphql.json();
    expect(errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(errors[0].extensions.fields[0]).toMatch(/^m(\.a)+$/);
    expect(errors[0].message).toMatch(/must not nest deeper than 32 levels/);

    const rest = await fetch(`${platform.gateway.origin}/api/planning/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: `{"title":"deep","metadata":${nestedJson(2200)}}`,
    });
    expect(rest.status).toBe(422);
    const detail = (await rest.json()).detail;
    expect(detail[0].loc.slice(0, 2)).toEqual(['body', 'metadata']);
    expect(detail[0].msg).toMatch(/nest deeper than 32 levels/);
    const count = await post(JSON.stringify({ query: '{ tasks { totalCount } }' }));
    expect((await count.json()).data.tasks.totalCount).toBe(0);
  });

  it('when a title or metadata holds a lone surrogate, then BAD_USER_INPUT names the field and REST answers 422', async () => {
    const title = await post(JSON.stringify({ query: 'mutation($t: String!) { createTask(input: {title: $t}) { id } }', variables: { t: 'x\ud800' } }));
    const titleError = (await title.json()).errors[0];
    expect(titleError.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['input.title'] });
    const metadata = await post(JSON.stringify({ query: 'mutation($m: JSON) { createTask(input: {title: "t", metadata: $m}) { id } }', variables: { m: { note: 'y\udfff' } } }));
    expect((await metadata.json()).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['input.metadata.note'] });
    const rest = await fetch(`${platform.gateway.origin}/api/planning/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ title: 'x\ud800' }),
    });
    expect(rest.status).toBe(422);
    expect((await rest.json()).detail[0].loc).toEqual(['body', 'title']);
  });

  it(`when operation names are 250 KB long or name nothing, then metrics count them as too_long / unresolved and logs carry at most ${MAX_LABEL_LENGTH} characters of them`, async () => {
    const long = `Op_${'A'.repeat(250_000)}`;
    const before = await scrape(`${platform.gateway.origin}/metrics`);
    const remaining = (headers: Headers) => Number(/;r=(\d+);/.exec(headers.get('ratelimit') ?? '')?.[1]);
    const base = remaining((await post(JSON.stringify({ query: '{ __typename }' }))).headers);
    const charged = await post(JSON.stringify({ query: `query ${long} { __typename }` }));
    expect(charged.status).toBe(200);
    // The document's size is charged: 250 KB costs 25 units on top of its one.
    expect(base - remaining(charged.headers)).toBe(1 + 25);
    await post(JSON.stringify({ query: 'query Known { __typename }', operationName: `Y${'B'.repeat(200_000)}` }));
    await post(JSON.stringify({ query: 'query Fine { __typename }' }));

    const scraped = await scrape(`${platform.gateway.origin}/metrics`);
    expect(scraped.text.length).toBeLessThan(before.text.length + 20_000);
    const labels = scraped.labelSets('graphql_operation_duration_seconds_count').map((l) => l.operation);
    expect(labels).toContain('too_long');
    expect(labels).toContain('Fine');
    for (const label of labels) expect(label!.length).toBeLessThanOrEqual(MAX_LABEL_LENGTH);
    expect(scraped.labelSets('graphql_operation_errors_total').map((l) => l.operation)).not.toContainEqual(expect.stringMatching(/BBBB/));
    const lines = logs.records().filter((r) => typeof r.operationName === 'string');
    for (const line of lines) expect(String(line.operationName).length).toBeLessThanOrEqual(MAX_LABEL_LENGTH + 20);
    expect(JSON.stringify(logs.records()).length).toBeLessThan(200_000);
  });

  it('when a junk token comes with a body that never arrives, then 401 is answered at once; a valid token with a stalled body gets 408 after the request timeout', async () => {
    const port = Number(new URL(platform.gateway.origin).port);
    const head = (authorization: string) =>
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nAuthorization: ${authorization}\r\n\r\n`;
    // Neither sends its 1,000 bytes: the first is answered before reading them, the second is cut by the timeout.
    // Read first, the body would hold this answer until the request timeout (a 408 instead of the 401).
    expect(await rawRequest(port, head('Bearer junk'), '{"query":')).toBe('HTTP/1.1 401 Unauthorized');
    expect(await rawRequest(port, head(`Bearer ${token}`), '{"query":')).toMatch(/^HTTP\/1\.1 408|^closed$/);
  });

  it('when pages and answers are served, then JSON answers carry nosniff and the docs page a CSP with frame-ancestors none', async () => {
    const graphql = await post(JSON.stringify({ query: '{ __typename }' }));
    expect(graphql.headers.get('x-content-type-options')).toBe('nosniff');
    const refused = await fetch(platform.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
    for (const path of ['/health', '/.well-known/jwks.json', '/api/planning/tasks', '/nothing']) {
      expect((await fetch(`${platform.gateway.origin}${path}`)).headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    const docs = await fetch(`${platform.gateway.origin}/docs`);
    expect(docs.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(docs.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
    expect(docs.headers.get('x-frame-options')).toBe('DENY');
  });
});
