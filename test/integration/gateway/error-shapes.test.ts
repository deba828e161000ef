import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';

/** Every non-GraphQL HTTP route answers the REST shim's `{detail}` shape, with the shim's statuses. */
describe('one error shape on every non-GraphQL route', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => platform?.close());

  const at = (path: string, init?: RequestInit) => fetch(`${platform.gateway.origin}${path}`, init);
  const json = (body: unknown, type = 'application/json'): RequestInit => ({ method: 'POST', headers: { 'content-type': type }, body: JSON.stringify(body) });

  it('when /auth/login gets text/plain, then it is 415 with the REST shim\'s words, as /api/planning is', async () => {
    const login = await at('/auth/login', json({ email: 'a@example.com', password: 'x' }, 'text/plain'));
    const token = await platform.mintToken();
    const shim = await at('/api/planning/tasks', { ...json({ title: 'x' }, 'text/plain'), headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` } });
    expect(login.status).toBe(415);
    expect(shim.status).toBe(415);
    expect(await login.json()).toEqual({ detail: 'Content-Type must be application/json' });
    expect(await shim.json()).toEqual({ detail: 'Content-Type must be application/json' });
  });

  it('when /auth/login gets malformed or mistyped fields, then it is a 422 list in the project\'s words', async () => {
    const notJson = await at('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    expect(notJson.status).toBe(422);
    expect(await notJson.json()).toEqual({ detail: [{ loc: ['body'], msg: 'Request body is not valid JSON', type: 'json_invalid' }] });
    const mistyped = await at('/auth/login', json({ email: 5, password: '' }));
    expect(mistyped.status).toBe(422);
    expect(await mistyped.json()).toEqual({
      detail: [
        { loc: ['body', 'email'], msg: 'must be a string', type: 'invalid_type' },
        { loc: ['body', 'password'], msg: 'must not be empty', type: 'too_small' },
      ],
    });
    const list = await at('/auth/login', json([1]));
    expect(list.status).toBe(422);
    expect((await list.json()).detail[0].msg).toBe('must be a JSON object');
  });

  it('when /auth/logout has no token or a bad one, then it is 401 {detail, reason} like login\'s refusals, not GraphQL errors', async () => {
    const missing = await at('/auth/logout', { method: 'POST' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await missing.json()).toEqual({ detail: 'Missing bearer token', reason: 'missing_token' });
    const forged = await at('/auth/logout', { method: 'POST', headers: { authorization: 'Bearer not.a.token' } });
    expect(forged.status).toBe(401);
    const body = await forged.json();
    expect(Object.keys(body).sort()).toEqual(['detail', 'reason']);
  });

  it('when a route is unknown or the method wrong, then it is 404 / 405 {detail} with Allow, on the gateway and on the subgraph', async () => {
    for (const [path, init, status, detail] of [
      ['/nowhere', undefined, 404, 'Not Found'],
      ['/auth/login', undefined, 405, 'Method Not Allowed'],
      ['/auth/logout', undefined, 405, 'Method Not Allowed'],
      ['/docs/openapi.json', { method: 'POST' }, 405, 'Method Not Allowed'],
    ] as const) {
      const answer = await at(path, init);
      expect(answer.status, path).toBe(status);
      expect(await answer.json(), path).toEqual({ detail });
      if (status === 405) expect(answer.headers.get('allow'), path).toBeTruthy();
    }
    for (const url of [platform.planning.url, platform.comms.url]) {
      const subgraph = await fetch(new URL('/nowhere', url));
      expect(subgraph.status, url).toBe(404);
      expect(await subgraph.json(), url).toEqual({ detail: 'Not Found' });
    }
  });

  it('when a development caller makes a mistake (bad input, unknown id, stale version, invalid query), then no answer carries a stack trace', async () => {
    const token = await platform.mintToken({ roles: ['member'] });
    const created = await platform.gql(token, 'mutation { createTask(input: { title: "traced" }) { id version } }');
    const { id } = created.body.data.createTask;
    const mistakes = [
      'mutation { createTask(input: { title: "" }) { id } }',
      `{ task(id: "${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}") { id } }`,
      `mutation { updateTask(id: "${id}", input: { title: "again" }, expectedVersion: 99) { id } }`,
      '{ tasks(first: 1) { nope } }',
      '{ tasks(first: "x") { totalCount } }',
    ];
    const codes: string[] = [];
    for (const query of mistakes) {
      const answer = await platform.gql(token, query);
      const errors = answer.body.errors ?? [];
      if (query.startsWith('{ task(')) expect(answer.body.data.task).toBeNull();
      else expect(errors.length, query).toBeGreaterThan(0);
      for (const error of errors) {
        codes.push(error.extensions?.code);
        expect(error.extensions?.stacktrace, `${query}: ${error.message}`).toBeUndefined();
      }
    }
    expect(codes).toEqual(expect.arrayContaining(['BAD_USER_INPUT', 'CONFLICT', 'GRAPHQL_VALIDATION_FAILED']));
  });
});
