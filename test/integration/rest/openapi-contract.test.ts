import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';
import { aCaller, aProject, aTask, rest } from './rest-client.js';

describe('REST shim: OpenAPI document and docs page', () => {
  let platform: TestPlatform;
  let document: any;
  beforeAll(async () => {
    platform = await startTestPlatform();
    document = (await rest(platform, 'GET', '/docs/openapi.json')).body;
  });
  afterAll(async () => platform?.close());

  it('when /docs/openapi.json is fetched, then it is a valid OpenAPI 3.1 document', async () => {
    const answer = await rest(platform, 'GET', '/docs/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('when the document is read, then it lists every route of the contract and documents the legacy forms', () => {
    const operations = Object.entries<any>(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(
      [
        'GET /api/planning/tasks',
        'POST /api/planning/tasks',
        'GET /api/planning/tasks/{id}',
        'PATCH /api/planning/tasks/{id}',
        'DELETE /api/planning/tasks/{id}',
        'POST /api/planning/tasks/{id}/complete',
        'GET /api/planning/projects',
        'POST /api/planning/projects',
        'GET /api/planning/projects/{id}',
        'PATCH /api/planning/projects/{id}',
        'DELETE /api/planning/projects/{id}',
      ].sort(),
    );
    const create = document.paths['/api/planning/tasks'].post;
    expect(create.requestBody.content['application/json'].schema.required).toEqual(['title']);
    expect(JSON.stringify(create.requestBody.content['application/json'].schema.properties.priority)).toMatch(/1 \(low\)/);
    expect(create.responses['201'].content['application/json'].schema.$ref).toBe('#/components/schemas/Task');
    expect(document.paths['/api/planning/tasks'].get.parameters.find((p: any) => p.name === 'limit').schema).toMatchObject({ minimum: 1, maximum: 100, default: 50 });
    expect(document.info.description).toMatch(/Unknown body fields and query parameters are \*\*ignored\*\*/);
  });

  it('when every documented path and method is called, then each answers with one of its documented statuses and bodies', async () => {
    const { token } = await aCaller(platform, ['admin']);
    const task = await aTask(platform, token);
    const project = await aProject(platform, token);
    const samples: Record<string, unknown> = {
      createTask: { title: 'Contract', priority: 'high' },
      updateTask: { title: 'Contract, changed' },
      completeTask: { actualMinutes: 5 },
      createProject: { name: 'Contract' },
      updateProject: { name: 'Contract, changed' },
    };
    const order = ['GET', 'POST', 'PATCH', 'DELETE'];
    const calls = Object.entries<any>(document.paths)
      .flatMap(([path, item]) => Object.entries<any>(item).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })))
      .sort((a, b) => order.indexOf(a.method) - order.indexOf(b.method));
    expect(calls).toHaveLength(11);
    for (const { path, method, operation } of calls) {
      const id = path.includes('/projects') ? project.id : task.id;
      const url = path.replace('{id}', id);
      const documented = Object.keys(operation.responses);
      for (const [label, request] of [
        ['valid', { token, body: samples[operation.operationId] }],
        ['unauthenticated', { token: null, body: samples[operation.operationId] }],
      ] as const) {
        const answer = await rest(platform, method, url, request);
        expect(documented, `${method} ${path} (${label}) answered ${answer.status}`).toContain(String(answer.status));
        const schemaRef = operation.responses[answer.status].content?.['application/json']?.schema?.$ref;
        const schema = document.components.schemas[schemaRef?.split('/').pop()];
        for (const key of schema?.required ?? []) expect(answer.body, `${method} ${path}: ${key}`).toHaveProperty(key);
        if (label === 'valid') expect(answer.status).toBeLessThan(300);
      }
      const invalidId = await rest(platform, method, path.replace('{id}', 'not-an-id') + (path.includes('{id}') ? '' : '?limit=0'), {
        token,
        body: method === 'GET' || method === 'DELETE' ? undefined : { title: '', name: '' },
      });
      expect(documented, `${method} ${path} (invalid) answered ${invalidId.status}`).toContain(String(invalidId.status));
      expect(invalidId.status).toBe(422);
    }
  });

  it('when /docs is opened, then it is an HTML page that loads Swagger UI from this server only', async () => {
    const page = await fetch(`${platform.gateway.origin}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual(expect.arrayContaining(['/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css']));
    for (const asset of assets) expect(asset.startsWith('/docs/assets/')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of assets) {
      const answer = await fetch(`${platform.gateway.origin}${asset}`);
      expect(answer.status, asset).toBe(200);
      if (asset.endsWith('.js')) expect(answer.headers.get('content-type')).toMatch(/^text\/javascript/);
      if (asset.endsWith('.css')) expect(answer.headers.get('content-type')).toMatch(/^text\/css/);
      expect((await answer.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    const init = await (await fetch(`${platform.gateway.origin}/docs/assets/docs-init.js`)).text();
    expect(init).toContain("'/docs/openapi.json'");
  });

  it('when a file outside the allowed assets is asked for, then it is 404', async () => {
    for (const path of ['/docs/assets/package.json', '/docs/assets/..%2Fpackage.json', '/docs/assets/%2e%2e/%2e%2e/package.json', '/docs/nothing']) {
      const answer = await rest(platform, 'GET', path);
      expect(answer.status, path).toBe(404);
      expect(answer.body).toEqual({ detail: 'Not Found' });
    }
  });
});
