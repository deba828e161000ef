import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';
import { aCaller, aProject, aTask, PROJECT_KEYS, rest } from './rest-client.js';

describe('REST shim: project routes', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => platform?.close());

  it('when a project is created, then it is 201 with the original\'s fields and every other project field, and an ETag', async () => {
    const { token, sub } = await aCaller(platform);
    const created = await rest(platform, 'POST', '/api/planning/projects', { token, body: { name: 'Launch', color: '#3366ff', icon: 'rocket' } });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(PROJECT_KEYS);
    expect(created.body).toMatchObject({ name: 'Launch', color: '#3366ff', icon: 'rocket', status: 'ACTIVE', userId: sub, ownerId: sub, workspaceId: null, taskCount: 0, version: 1 });
    expect(created.headers.get('etag')).toBe('"1"');
  });

  it('when projects are listed with a limit and a status filter in any case, then total counts the page and count=exact the whole filter', async () => {
    const { token } = await aCaller(platform);
    for (const name of ['One', 'Two', 'Three']) await aProject(platform, token, { name });
    const archived = await aProject(platform, token, { name: 'Old' });
    await rest(platform, 'PATCH', `/api/planning/projects/${archived.id}`, { token, body: { status: 'archived' } });
    const page = await rest(platform, 'GET', '/api/planning/projects?limit=2&status=Active', { token });
    expect(page.status).toBe(200);
    expect(page.body.projects.map((p: any) => p.name)).toEqual(['Three', 'Two']);
    expect(page.body.total).toBe(2);
    expect(page.body).not.toHaveProperty('total_count');
    const counted = await rest(platform, 'GET', '/api/planning/projects?limit=2&status=Active&count=exact', { token });
    expect(counted.body).toMatchObject({ total: 2, total_count: 3 });
    const rest2 = await rest(platform, 'GET', `/api/planning/projects?limit=2&status=Active&cursor=${encodeURIComponent(page.body.next_cursor)}`, { token });
    expect(rest2.body).toMatchObject({ total: 1, next_cursor: null });
    expect(rest2.body.projects.map((p: any) => p.name)).toEqual(['One']);
    const onlyArchived = await rest(platform, 'GET', '/api/planning/projects?status=ARCHIVED', { token });
    expect(onlyArchived.body.projects.map((p: any) => p.id)).toEqual([archived.id]);
  });

  it('when a project is read, then its task counts are included; another org gets 404 "Project not found"', async () => {
    const { token } = await aCaller(platform);
    const project = await aProject(platform, token);
    const done = await aTask(platform, token, { projectId: project.id });
    await aTask(platform, token, { projectId: project.id });
    await rest(platform, 'POST', `/api/planning/tasks/${done.id}/complete`, { token });
    const read = await rest(platform, 'GET', `/api/planning/projects/${project.id}`, { token });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ taskCount: 2, completedTaskCount: 1 });
    const stranger = await aCaller(platform);
    const foreign = await rest(platform, 'GET', `/api/planning/projects/${project.id}`, { token: stranger.token });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ detail: 'Project not found' });
  });

  it('when a project is patched with a matching If-Match, then it changes; with a stale one, then 412', async () => {
    const { token } = await aCaller(platform);
    const project = await aProject(platform, token);
    const patched = await rest(platform, 'PATCH', `/api/planning/projects/${project.id}`, { token, body: { name: 'Renamed' }, headers: { 'if-match': '"1"' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Renamed', version: 2 });
    const stale = await rest(platform, 'PATCH', `/api/planning/projects/${project.id}`, { token, body: { name: 'Lost' }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.body.currentVersion).toBe(2);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nonexistent-id']) {
      const missing = await rest(platform, 'PATCH', `/api/planning/projects/${id}`, { token, body: { name: 'x' } });
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ detail: 'Project not found' });
    }
  });

  it('when a member deletes a project, then it is 403 and the project stays', async () => {
    const { token } = await aCaller(platform, ['member']);
    const project = await aProject(platform, token);
    const refused = await rest(platform, 'DELETE', `/api/planning/projects/${project.id}`, { token });
    expect(refused.status).toBe(403);
    expect(typeof refused.body.detail).toBe('string');
    expect((await rest(platform, 'GET', `/api/planning/projects/${project.id}`, { token })).status).toBe(200);
  });

  it('when an admin deletes a project, then it is {"success": true, "deletedId"} and its tasks are kept without it', async () => {
    const { token } = await aCaller(platform, ['admin']);
    const project = await aProject(platform, token);
    const task = await aTask(platform, token, { projectId: project.id });
    const deleted = await rest(platform, 'DELETE', `/api/planning/projects/${project.id}`, { token });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ success: true, deletedId: project.id });
    expect((await rest(platform, 'GET', `/api/planning/projects/${project.id}`, { token })).status).toBe(404);
    expect((await rest(platform, 'GET', `/api/planning/tasks/${task.id}`, { token })).body.projectId).toBeNull();
    const again = await rest(platform, 'DELETE', `/api/planning/projects/${project.id}`, { token });
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ detail: 'Project not found' });
  });
});
