import { describe, expect, it } from 'vitest';
import { createPlanningApi, PlanningApiError, type Task } from '../../../src/components/index.js';

/** A fetch that records each request and answers `status` with `body`. */
function fakeFetch(status: number, body: unknown) {
  const requests: Array<{ url: string; init: RequestInit }> = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
}

const aTask = (id: string) => ({ id, title: `Task ${id}` }) as Task;

describe('createPlanningApi', () => {
  it('when listTasks is called, then it asks GET /api/planning/tasks with the query and returns the tasks of the envelope', async () => {
    const { fetch, requests } = fakeFetch(200, { tasks: [aTask('a'), aTask('b')], total: 2, next_cursor: null });
    const api = createPlanningApi({ fetch, token: () => 'session-token' });

    const tasks = await api.listTasks({ status: ['PENDING', 'IN_PROGRESS'], limit: 10 });

    expect(tasks.map((t) => t.id)).toEqual(['a', 'b']);
    expect(requests[0]!.url).toBe('/api/planning/tasks?status=PENDING&status=IN_PROGRESS&limit=10');
    expect(requests[0]!.init.headers).toMatchObject({ authorization: 'Bearer session-token' });
  });

  it('when a task is updated with the version last read, then If-Match carries it and the body goes as JSON', async () => {
    const { fetch, requests } = fakeFetch(200, aTask('a'));
    const api = createPlanningApi({ fetch, baseUrl: 'https://host.example/api/planning/' });

    await api.updateTask('a/b', { title: 'Renamed' }, { ifMatch: 3 });

    expect(requests[0]!.url).toBe('https://host.example/api/planning/tasks/a%2Fb');
    expect(requests[0]!.init).toMatchObject({ method: 'PATCH', body: '{"title":"Renamed"}', headers: { 'if-match': '"3"', 'content-type': 'application/json' } });
  });

  it('when the API refuses, then the promise rejects with a PlanningApiError carrying status, code and detail', async () => {
    const { fetch } = fakeFetch(404, { detail: 'Task not found' });

    const refusal = await createPlanningApi({ fetch }).getTask('missing').catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(PlanningApiError);
    expect(refusal).toMatchObject({ status: 404, code: 'NOT_FOUND', message: 'Task not found', body: { detail: 'Task not found' } });
  });

  it('when a proxy in front answers with a page that is not JSON, then the rejection is still a PlanningApiError with that text', async () => {
    const fetch = (async () => new Response('<html>Bad gateway</html>', { status: 502 })) as unknown as typeof globalThis.fetch;

    const refusal = await createPlanningApi({ fetch }).listTasks().catch((error: unknown) => error);

    expect(refusal).toMatchObject({ name: 'PlanningApiError', status: 502, code: 'HTTP_ERROR', body: '<html>Bad gateway</html>' });
  });
});
