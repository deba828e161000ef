import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';
import { rest, TASK_KEYS } from './rest-client.js';

describe('REST shim: the legacy client flow', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
    await platform.addUser({ email: 'legacy@example.com', password: 'legacy password', orgId: 'org-legacy', roles: ['member'] });
  });
  afterAll(async () => platform?.close());

  it('when a legacy client logs in, lists, creates, reads, patches, completes and deletes, then every step answers as the old API did', async () => {
    const login = await rest(platform, 'POST', '/auth/login', { body: { email: 'legacy@example.com', password: 'legacy password' } });
    expect(login.status).toBe(200);
    expect(login.body.token_type).toBe('bearer');
    const token: string = login.body.access_token;
    const userId: string = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub;

    const empty = await rest(platform, 'GET', '/api/planning/tasks', { token });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ tasks: [], total: 0, next_cursor: null });

    const created = await rest(platform, 'POST', '/api/planning/tasks', { token, body: { title: 'Test task', priority: 'high', energyRequired: 'medium' } });
    expect(created.status).toBe(200);
    expect(Object.keys(created.body).sort()).toEqual(TASK_KEYS);
    expect(created.body).toMatchObject({
      title: 'Test task',
      priority: 3,
      energyRequired: 'medium',
      status: 'PENDING',
      userId,
      workspaceId: null,
      aiInsights: null,
      urgencyScore: null,
      version: 1,
      tags: [],
      metadata: {},
    });
    expect(created.headers.get('etag')).toBe('"1"');
    const id: string = created.body.id;

    const listed = await rest(platform, 'GET', '/api/planning/tasks', { token });
    expect(listed.body.total).toBe(1);
    expect(listed.body.tasks.map((t: any) => t.id)).toEqual([id]);

    const read = await rest(platform, 'GET', `/api/planning/tasks/${id}`, { token });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const patched = await rest(platform, 'PATCH', `/api/planning/tasks/${id}`, { token, body: { description: 'Now with details', status: 'in_progress' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ description: 'Now with details', status: 'IN_PROGRESS', version: 2 });
    expect(patched.headers.get('etag')).toBe('"2"');

    const completed = await rest(platform, 'POST', `/api/planning/tasks/${id}/complete`, { token });
    expect(completed.status).toBe(200);
    expect(completed.body.status).toBe('COMPLETED');
    expect(completed.body.completedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const deleted = await rest(platform, 'DELETE', `/api/planning/tasks/${id}`, { token });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ success: true });

    const gone = await rest(platform, 'GET', `/api/planning/tasks/${id}`, { token });
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ detail: 'Task not found' });
  });
});
