import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REST_ROUTES } from '../../../src/gateway/rest/rest-routes.js';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';
import { aCaller, rest } from './rest-client.js';

const isFeaturePath = (path: string) => /^\/api\/planning\/(shadow|flow-memory)\//.test(path);

describe('REST shim: the OpenAPI contract of /shadow and /flow-memory', () => {
  let platform: TestPlatform;
  let document: any;
  beforeAll(async () => {
    platform = await startTestPlatform();
    document = (await rest(platform, 'GET', '/docs/openapi.json')).body;
  });
  afterAll(async () => platform?.close());

  it("when the document is read, then it lists the original modules' routes and the added ones, tagged shadow and flow-memory", () => {
    const operations = Object.entries<any>(document.paths)
      .filter(([path]) => isFeaturePath(path))
      .flatMap(([path, item]) => Object.entries<any>(item).map(([method, operation]) => `${method.toUpperCase()} ${path} ${operation.tags[0]}`));
    expect(operations.sort()).toEqual(
      [
        'POST /api/planning/shadow/profile shadow',
        'GET /api/planning/shadow/profile shadow',
        'GET /api/planning/shadow/insight shadow',
        'POST /api/planning/shadow/unlock shadow',
        'GET /api/planning/shadow/progress shadow',
        'GET /api/planning/shadow/insights shadow',
        'POST /api/planning/shadow/insights/{id}/acknowledge shadow',
        'GET /api/planning/shadow/unlock-status shadow',
        'GET /api/planning/shadow/report shadow',
        'POST /api/planning/flow-memory/interactions flow-memory',
        'GET /api/planning/flow-memory/interactions flow-memory',
        'POST /api/planning/flow-memory/interactions/bulk flow-memory',
        'GET /api/planning/flow-memory/interactions/{id} flow-memory',
        'PATCH /api/planning/flow-memory/interactions/{id} flow-memory',
        'DELETE /api/planning/flow-memory/interactions/{id} flow-memory',
        'POST /api/planning/flow-memory/retrieve flow-memory',
        'GET /api/planning/flow-memory/sessions/{id} flow-memory',
        'POST /api/planning/flow-memory/context/compress flow-memory',
        'GET /api/planning/flow-memory/stats flow-memory',
        'DELETE /api/planning/flow-memory/clear flow-memory',
        'GET /api/planning/flow-memory/settings flow-memory',
        'PATCH /api/planning/flow-memory/settings flow-memory',
      ].sort(),
    );
    const store = document.components.schemas.InteractionCreate;
    expect(store.required).toEqual(['user_message']);
    expect(store.properties.user_message).toMatchObject({ minLength: 1, maxLength: 5000 });
    expect(store.properties.ai_response.anyOf ?? [store.properties.ai_response]).toContainEqual(expect.objectContaining({ maxLength: 10000 }));
    expect(document.components.schemas.BulkInteractionCreate.properties.interactions).toMatchObject({ minItems: 1, maxItems: 50 });
    expect(document.components.schemas.MemoryRetrievalRequest.properties.limit).toMatchObject({ minimum: 1, maximum: 100, default: 10 });
    expect(document.components.schemas.ContextSummaryCreate.properties.summary).toMatchObject({ minLength: 10, maxLength: 2000 });
    expect(document.tags.map((t: any) => t.name)).toEqual(['auth', 'tasks', 'projects', 'shadow', 'flow-memory']);
  });

  it('when the examples are read, then every one fits its route\'s schemas', () => {
    for (const route of REST_ROUTES.filter((r) => isFeaturePath(`/api/planning${r.path}`))) {
      const { request, response } = route.examples;
      expect(route.response.safeParse(response).success, `${route.operationId} answer example`).toBe(true);
      if (request !== undefined) expect(route.body!.safeParse(request).success, `${route.operationId} request example`).toBe(true);
      if (!route.body && !route.query) expect(route.examples.invalid, `${route.operationId} cannot answer 422`).toBeUndefined();
    }
  });

  it('when each documented bad request is sent, then it is answered with exactly the documented 422 body', async () => {
    const { token } = await aCaller(platform, ['member']);
    const stored = await rest(platform, 'POST', '/api/planning/flow-memory/interactions', { token, body: { user_message: 'hello' } });
    const id = stored.body.interactions[0].id;
    const invalid = REST_ROUTES.filter((route) => route.examples.invalid && isFeaturePath(`/api/planning${route.path}`));
    expect(invalid.map((route) => route.operationId).sort()).toEqual(
      ['compressFlowMemoryContext', 'getDailyInsight', 'getProductivityReport', 'retrieveFlowMemory', 'storeFlowMemoryInteraction', 'storeFlowMemoryInteractions', 'updateFlowMemoryInteraction', 'updateFlowMemorySettings'].sort(),
    );
    for (const route of invalid) {
      const example = route.examples.invalid!;
      const path = `/api/planning${route.path.replace('{id}', id)}${example.query ? `?${example.query}` : ''}`;
      const answer = await rest(platform, route.method, path, { token, body: example.request });
      expect(answer.status, route.operationId).toBe(422);
      expect(answer.body, route.operationId).toEqual(example.response);
      const documented = document.paths[`/api/planning${route.path}`][route.method.toLowerCase()].responses['422'].content['application/json'];
      expect(documented.example).toEqual(example.response);
    }
  });

  it('when every documented path and method is called, then each answers with one of its documented statuses and bodies', async () => {
    const { token } = await aCaller(platform, ['member']);
    const stored = await rest(platform, 'POST', '/api/planning/flow-memory/interactions', { token, body: { user_message: 'hello', session_id: 'contract' } });
    expect(stored.status).toBe(200);
    await rest(platform, 'POST', '/api/planning/shadow/profile', { token });
    const insight = (await rest(platform, 'GET', '/api/planning/shadow/insights', { token })).body.insights[0];
    const ids: Record<string, string> = { interactions: stored.body.interactions[0].id, sessions: 'contract', insights: insight.id };
    const samples: Record<string, unknown> = {
      storeFlowMemoryInteraction: { user_message: 'Contract' },
      storeFlowMemoryInteractions: { interactions: [{ user_message: 'Contract' }] },
      updateFlowMemoryInteraction: { user_message: 'Contract, changed' },
      retrieveFlowMemory: { query: 'contract' },
      compressFlowMemoryContext: { summary: 'A summary of the contract' },
      updateFlowMemorySettings: { store_transient: false },
    };
    const order = ['GET', 'POST', 'PATCH', 'DELETE'];
    const calls = Object.entries<any>(document.paths)
      .filter(([path]) => isFeaturePath(path))
      .flatMap(([path, item]) => Object.entries<any>(item).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })))
      .sort((a, b) => order.indexOf(a.method) - order.indexOf(b.method));
    expect(calls).toHaveLength(22);
    for (const { path, method, operation } of calls) {
      const url = path.replace(/\/(\w[\w-]*)\/\{id\}/, (_m: string, collection: string) => `/${collection}/${ids[collection]}`);
      const documented = Object.keys(operation.responses);
      for (const [label, request] of [
        ['valid', { token, body: samples[operation.operationId] }],
        ['unauthenticated', { token: null, body: samples[operation.operationId] }],
      ] as const) {
        const answer = await rest(platform, method, url, request);
        expect(documented, `${method} ${path} (${label}) answered ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`).toContain(String(answer.status));
        const schemaRef = operation.responses[answer.status].content?.['application/json']?.schema?.$ref;
        const schema = document.components.schemas[schemaRef?.split('/').pop()];
        for (const key of schema?.required ?? []) expect(answer.body, `${method} ${path}: ${key}`).toHaveProperty(key);
        if (label === 'valid') expect(answer.status, `${method} ${path}`).toBeLessThan(300);
      }
      if (path.includes('{id}')) {
        const unknown = await rest(platform, method, path.replace('{id}', 'not-an-id'), { token, body: samples[operation.operationId] });
        expect(unknown.status, `${method} ${path} (unknown id)`).toBe(404);
        expect(unknown.body).toEqual(operation.responses['404'].content['application/json'].example);
      }
    }
  });
});
