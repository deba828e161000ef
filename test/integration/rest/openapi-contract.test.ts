import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REST_ROUTES } from '../../../src/gateway/rest/rest-routes.js';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';
import { aCaller, aProject, aTask, ORIGINAL_PROJECT_KEYS, ORIGINAL_TASK_KEYS, rest } from './rest-client.js';

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

  // The task and project routes; Shadow AI's and Flow Memory's have their own contract test (shadow-flow-memory-contract.test.ts).
  const isTaskOrProjectPath = (path: string) => /^\/api\/planning\/(tasks|projects)\b/.test(path);

  it('when the document is read, then it lists every route of the contract and documents the legacy forms', () => {
    const operations = Object.entries<any>(document.paths)
      .filter(([path]) => isTaskOrProjectPath(path))
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
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
    expect(Object.keys(create.responses)).not.toContain('201');
    expect(create.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/Task');
    expect(document.paths['/api/planning/projects'].post.responses['201'].content['application/json'].schema.$ref).toBe('#/components/schemas/Project');
    const listParameters = document.paths['/api/planning/tasks'].get.parameters;
    expect(listParameters.find((p: any) => p.name === 'limit').schema).toMatchObject({ minimum: 1, maximum: 100, default: 50 });
    expect(listParameters.find((p: any) => p.name === 'count').schema).toMatchObject({ enum: ['exact'] });
    expect(document.components.schemas.TaskList.required).not.toContain('total_count');
    expect(document.info.description).toMatch(/Unknown body fields and query parameters are \*\*ignored\*\*/);
  });

  it('when the Task and Project schemas are read, then they carry the original API\'s fields with its types', () => {
    const { Task, Project } = document.components.schemas;
    expect(Task.required).toEqual(expect.arrayContaining(ORIGINAL_TASK_KEYS));
    expect(Task.properties.priority).toMatchObject({ type: 'integer', minimum: 1, maximum: 4 });
    expect(Task.properties.energyRequired.anyOf ?? [Task.properties.energyRequired]).toContainEqual(expect.objectContaining({ enum: ['low', 'medium', 'high'] }));
    expect(Task.properties.status.enum).toEqual(['PENDING', 'IN_PROGRESS', 'COMPLETED', 'ARCHIVED']);
    expect(JSON.stringify(Task.properties.userId)).toMatch(/"type":"string"/);
    expect(Project.required).toEqual(expect.arrayContaining(ORIGINAL_PROJECT_KEYS));
    expect(Project.properties.taskCount.type).toBe('integer');
  });

  it('when the examples are read, then the requests are the original test suite\'s and every example fits its schema', () => {
    const create = document.paths['/api/planning/tasks'].post;
    expect(create.requestBody.content['application/json'].example).toEqual({ title: 'Test task', description: 'Test description', priority: 2, status: 'PENDING' });
    expect(document.paths['/api/planning/projects'].post.requestBody.content['application/json'].example).toEqual({
      name: 'Test Project',
      description: 'A test project',
      color: '#3B82F6',
      icon: '📁',
    });
    expect(document.paths['/api/planning/tasks/{id}'].get.responses['404'].content['application/json'].example).toEqual({ detail: 'Task not found' });
    for (const route of REST_ROUTES) {
      const { request, response } = route.examples;
      expect(route.response.safeParse(response).success, `${route.operationId} answer example`).toBe(true);
      if (request !== undefined) expect(route.body!.safeParse(request).success, `${route.operationId} request example`).toBe(true);
      if (!route.body && !route.query) expect(route.examples.invalid, `${route.operationId} cannot answer 422`).toBeUndefined();
    }
  });

  it('when each documented bad request is sent, then it is answered with exactly the documented 422 body', async () => {
    const { token } = await aCaller(platform, ['admin']);
    const task = await aTask(platform, token);
    const project = await aProject(platform, token);
    const invalid = REST_ROUTES.filter((route) => route.examples.invalid && isTaskOrProjectPath(`/api/planning${route.path}`));
    expect(invalid.map((route) => route.operationId).sort()).toEqual(
      ['completeTask', 'createProject', 'createTask', 'listProjects', 'listTasks', 'updateProject', 'updateTask'].sort(),
    );
    for (const route of invalid) {
      const example = route.examples.invalid!;
      const path = `/api/planning${route.path.replace('{id}', route.entity === 'Task' ? task.id : project.id)}${example.query ? `?${example.query}` : ''}`;
      const answer = await rest(platform, route.method, path, { token, body: example.request });
      expect(answer.status, route.operationId).toBe(422);
      expect(answer.body, route.operationId).toEqual(example.response);
      const documented = document.paths[`/api/planning${route.path}`][route.method.toLowerCase()].responses['422'].content['application/json'];
      expect(documented.example).toEqual(example.response);
    }
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
      .filter(([path]) => isTaskOrProjectPath(path))
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
      if (path.includes('{id}')) {
        // An id naming nothing, in any form, is the documented 404 (with the original's detail).
        const unknown = await rest(platform, method, path.replace('{id}', 'not-an-id'), { token, body: samples[operation.operationId] });
        expect(documented, `${method} ${path} (unknown id) answered ${unknown.status}`).toContain(String(unknown.status));
        expect(unknown.status).toBe(404);
        expect(unknown.body).toEqual(operation.responses['404'].content['application/json'].example);
      } else {
        const invalid = await rest(platform, method, `${path}?limit=0`, { token, body: method === 'POST' ? { title: '', name: '' } : undefined });
        expect(documented, `${method} ${path} (invalid) answered ${invalid.status}`).toContain(String(invalid.status));
        expect(invalid.status).toBe(422);
      }
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
