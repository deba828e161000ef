import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';
import { aCaller, aTask, rest, taskCount, type RestResult } from './rest-client.js';

/** A refusal as the contract wants it: a 4xx with a `detail`, never a 500. */
function expectRefusal(answer: RestResult, status: number) {
  expect(answer.status).toBe(status);
  expect(answer.body).toHaveProperty('detail');
  expect(answer.body.detail === '' || answer.body.detail === null).toBe(false);
}

/** A 422 whose problems include one at `loc`. */
function expectProblemAt(answer: RestResult, loc: Array<string | number>) {
  expectRefusal(answer, 422);
  expect(answer.body.detail.map((p: any) => p.loc)).toContainEqual(loc);
  for (const problem of answer.body.detail) {
    expect(typeof problem.msg).toBe('string');
    expect(typeof problem.type).toBe('string');
  }
}

describe('REST shim: bad input gets a clear 4xx and changes nothing', () => {
  let platform: TestPlatform;
  let token: string;
  let existing: any;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => platform?.close());
  beforeEach(async () => {
    ({ token } = await aCaller(platform));
    existing = await aTask(platform, token, { title: 'Untouched', priority: 'low' });
  });

  /** After each refusal: still exactly the one task, unchanged. */
  async function expectNothingWritten() {
    expect(await taskCount(platform, token)).toBe(1);
    const read = await rest(platform, 'GET', `/api/planning/tasks/${existing.id}`, { token });
    expect(read.body).toEqual(existing);
  }

  const create = (request: Parameters<typeof rest>[3]) => rest(platform, 'POST', '/api/planning/tasks', { token, ...request });
  const patch = (request: Parameters<typeof rest>[3]) => rest(platform, 'PATCH', `/api/planning/tasks/${existing.id}`, { token, ...request });

  it('when the body is not JSON, then it is 422 json_invalid', async () => {
    for (const send of [create, patch]) {
      const answer = await send({ rawBody: '{"title": "broken', headers: { 'content-type': 'application/json' } });
      expectProblemAt(answer, ['body']);
      expect(answer.body.detail[0].type).toBe('json_invalid');
    }
    await expectNothingWritten();
  });

  it('when the body is a JSON array, a string or null instead of an object, then it is 422 at ["body"]', async () => {
    for (const rawBody of ['[{"title": "in an array"}]', '"just a string"', 'null', '42']) {
      expectProblemAt(await create({ rawBody, headers: { 'content-type': 'application/json' } }), ['body']);
      expectProblemAt(await patch({ rawBody, headers: { 'content-type': 'application/json' } }), ['body']);
    }
    await expectNothingWritten();
  });

  it('when the content type is not JSON, then it is 415', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      expectRefusal(await create({ rawBody: '{"title": "looks like JSON"}', headers: { 'content-type': contentType } }), 415);
      expectRefusal(await patch({ rawBody: '{"title": "looks like JSON"}', headers: { 'content-type': contentType } }), 415);
    }
    await expectNothingWritten();
  });

  it('when a create has no body at all, then it is 422 "Field required" at ["body"]', async () => {
    const answer = await create({});
    expectProblemAt(answer, ['body']);
    expect(answer.body.detail[0].type).toBe('missing');
    await expectNothingWritten();
  });

  it('when the title is missing, then it is the 422 entry FastAPI answered: "Field required", type missing', async () => {
    const answer = await create({ body: { description: 'No title' } });
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({ detail: [{ loc: ['body', 'title'], msg: 'Field required', type: 'missing' }] });
    await expectNothingWritten();
  });

  it('when the title is empty, blank, missing or 10,000 characters, then it is 422 at body.title', async () => {
    for (const body of [{ title: '' }, { title: '   ' }, {}, { title: 'x'.repeat(10_000) }, { title: 42 }]) {
      expectProblemAt(await create({ body }), ['body', 'title']);
    }
    expectProblemAt(await patch({ body: { title: '' } }), ['body', 'title']);
    expectProblemAt(await patch({ body: { title: 'x'.repeat(10_000) } }), ['body', 'title']);
    await expectNothingWritten();
  });

  it('when the priority is 0, 5, 2.5, "highest" or true, then it is 422 at body.priority', async () => {
    for (const priority of [0, 5, 2.5, 'highest', true, '']) {
      expectProblemAt(await create({ body: { title: 'Bad priority', priority } }), ['body', 'priority']);
      expectProblemAt(await patch({ body: { priority } }), ['body', 'priority']);
    }
    await expectNothingWritten();
  });

  it('when the status or dueDate is not one the API knows, then it is 422 at that field', async () => {
    expectProblemAt(await create({ body: { title: 'x', status: 'done' } }), ['body', 'status']);
    expectProblemAt(await create({ body: { title: 'x', energyRequired: 'extreme' } }), ['body', 'energyRequired']);
    expectProblemAt(await patch({ body: { energyRequired: 'none' } }), ['body', 'energyRequired']);
    expectProblemAt(await create({ body: { title: 'x', dueDate: 'tomorrow' } }), ['body', 'dueDate']);
    expectProblemAt(await create({ body: { title: 'x', dueDate: '2026-02-30T10:00:00Z' } }), ['body', 'dueDate']);
    expectProblemAt(await patch({ body: { status: 'finished' } }), ['body', 'status']);
    await expectNothingWritten();
  });

  it('when several fields are bad, then every one is listed', async () => {
    const answer = await create({ body: { title: '', priority: 'highest', tags: ['ok', ''] } });
    expectRefusal(answer, 422);
    expect(answer.body.detail.map((p: any) => p.loc)).toEqual(expect.arrayContaining([['body', 'title'], ['body', 'priority'], ['body', 'tags', 1]]));
    await expectNothingWritten();
  });

  it('when the limit is 0, 101, -1, 2.5 or "abc", then it is 422 at query.limit', async () => {
    for (const limit of ['0', '101', '-1', '2.5', 'abc', '']) {
      expectProblemAt(await rest(platform, 'GET', `/api/planning/tasks?limit=${limit}`, { token }), ['query', 'limit']);
      expectProblemAt(await rest(platform, 'GET', `/api/planning/projects?limit=${limit}`, { token }), ['query', 'limit']);
    }
  });

  it('when a list filter value is unknown, then it is 422 at that query parameter', async () => {
    expectProblemAt(await rest(platform, 'GET', '/api/planning/tasks?priority=highest', { token }), ['query', 'priority']);
    expectProblemAt(await rest(platform, 'GET', '/api/planning/tasks?status=done', { token }), ['query', 'status']);
    expectProblemAt(await rest(platform, 'GET', '/api/planning/tasks?projectId=not-a-uuid', { token }), ['query', 'projectId']);
  });

  it('when a cursor comes from another filter, another org or is made up, then it is 422 at query.cursor', async () => {
    await aTask(platform, token, { title: 'Second', priority: 'low' });
    const page = await rest(platform, 'GET', '/api/planning/tasks?limit=1&priority=low', { token });
    const cursor = encodeURIComponent(page.body.next_cursor);
    expect(page.body.next_cursor).toEqual(expect.any(String));
    expectProblemAt(await rest(platform, 'GET', `/api/planning/tasks?limit=1&priority=high&cursor=${cursor}`, { token }), ['query', 'cursor']);
    const stranger = await aCaller(platform);
    expectProblemAt(await rest(platform, 'GET', `/api/planning/tasks?limit=1&priority=low&cursor=${cursor}`, { token: stranger.token }), ['query', 'cursor']);
    expectProblemAt(await rest(platform, 'GET', '/api/planning/tasks?cursor=bm90LWEtY3Vyc29y.forged', { token }), ['query', 'cursor']);
    const projects = await rest(platform, 'GET', `/api/planning/projects?cursor=${cursor}`, { token });
    expectProblemAt(projects, ['query', 'cursor']);
  });

  it('when an id names nothing, well formed or not, then every id route answers 404 with the original\'s detail', async () => {
    const admin = await aCaller(platform, ['admin']);
    for (const id of ['42', 'nonexistent_id', "1'%20OR%20'1'='1", '00000000-0000-4000-8000-00000000000g', '00000000-0000-4000-8000-000000000000', '%00']) {
      for (const [method, path, body] of [
        ['GET', `/api/planning/tasks/${id}`],
        ['PATCH', `/api/planning/tasks/${id}`, { title: 'x' }],
        ['POST', `/api/planning/tasks/${id}/complete`],
        ['DELETE', `/api/planning/tasks/${id}`],
      ] as const) {
        const answer = await rest(platform, method, path, { token, body });
        expect(answer.status, `${method} ${path}`).toBe(404);
        expect(answer.body).toEqual({ detail: 'Task not found' });
      }
      for (const [method, path, body] of [
        ['GET', `/api/planning/projects/${id}`],
        ['PATCH', `/api/planning/projects/${id}`, { name: 'x' }],
        ['DELETE', `/api/planning/projects/${id}`],
      ] as const) {
        const answer = await rest(platform, method, path, { token: admin.token, body });
        expect(answer.status, `${method} ${path}`).toBe(404);
        expect(answer.body).toEqual({ detail: 'Project not found' });
      }
    }
    await expectNothingWritten();
  });

  it('when a malformed id comes with a bad body, then the body is refused first (422), as the original validated before looking up', async () => {
    const answer = await rest(platform, 'PATCH', '/api/planning/tasks/nonexistent_id', { token, body: { priority: 'highest' } });
    expectProblemAt(answer, ['body', 'priority']);
    await expectNothingWritten();
  });

  it('when an id tries path traversal, then it is refused with a 4xx and detail, and nothing else is reached', async () => {
    for (const id of ['..%2F..%2Fgraphql', '%2e%2e%2fprojects', '..%252F..%252Fetc%252Fpasswd', '%2e%2e']) {
      for (const [method, path] of [['GET', `/api/planning/tasks/${id}`], ['DELETE', `/api/planning/tasks/${id}`], ['GET', `/api/planning/projects/${id}`]]) {
        const answer = await rest(platform, method!, path!, { token });
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        expect(answer.body).toHaveProperty('detail');
      }
    }
    const dotted = await rest(platform, 'GET', '/api/planning/tasks/..%2F..%2Fgraphql', { token });
    expect(dotted.status).toBe(404);
    expect(dotted.body).toEqual({ detail: 'Task not found' });
    await expectNothingWritten();
  });

  it('when the body is 2 MB, then it is 413 and nothing is written', async () => {
    const answer = await create({ body: { title: 'Huge', description: 'x'.repeat(2 * 1024 * 1024) } });
    expectRefusal(answer, 413);
    await expectNothingWritten();
  });

  it('when If-Match is garbage, then it is 400 with detail and the task is unchanged', async () => {
    for (const ifMatch of ['garbage', '"abc"', '0', '-1', '1.5', '"1", "2"', 'W/', '99999999999']) {
      const answer = await patch({ body: { title: 'Should not apply' }, headers: { 'if-match': ifMatch } });
      expectRefusal(answer, 400);
      expect(answer.body.detail).toMatch(/If-Match/);
      expectRefusal(await rest(platform, 'POST', `/api/planning/tasks/${existing.id}/complete`, { token, headers: { 'if-match': ifMatch } }), 400);
    }
    await expectNothingWritten();
  });

  it('when the Idempotency-Key is longer than 255 characters, then it is 422 at header.Idempotency-Key', async () => {
    expectProblemAt(await create({ body: { title: 'x' }, headers: { 'idempotency-key': 'k'.repeat(256) } }), ['header', 'Idempotency-Key']);
    await expectNothingWritten();
  });

  it('when the route does not exist or the method is not supported, then it is 404 or 405 with detail', async () => {
    expectRefusal(await rest(platform, 'GET', '/api/planning/nothing-here', { token }), 404);
    expectRefusal(await rest(platform, 'GET', `/api/planning/tasks/${existing.id}/subtasks`, { token }), 404);
    const wrongMethod = await rest(platform, 'PUT', `/api/planning/tasks/${existing.id}`, { token, body: { title: 'x' } });
    expectRefusal(wrongMethod, 405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, PATCH, DELETE');
    await expectNothingWritten();
  });
});
