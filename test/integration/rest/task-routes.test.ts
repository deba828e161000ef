import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';
import { aCaller, aProject, aTask, rest, taskCount } from './rest-client.js';

describe('REST shim: task routes', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => platform?.close());

  describe('GET /api/planning/tasks', () => {
    it('when there are more tasks than the limit, then total counts this page (as the original did) and next_cursor walks the pages', async () => {
      const { token } = await aCaller(platform);
      for (let i = 0; i < 5; i++) await aTask(platform, token, { title: `Task ${i}` });
      const first = await rest(platform, 'GET', '/api/planning/tasks?limit=2', { token });
      expect(first.status).toBe(200);
      expect(first.body.tasks).toHaveLength(2);
      expect(first.body.total).toBe(2);
      expect(first.body).not.toHaveProperty('total_count');
      expect(typeof first.body.next_cursor).toBe('string');
      const seen = first.body.tasks.map((t: any) => t.title);
      const totals = [first.body.total];
      let cursor = first.body.next_cursor;
      while (cursor) {
        const page = await rest(platform, 'GET', `/api/planning/tasks?limit=2&cursor=${encodeURIComponent(cursor)}`, { token });
        expect(page.status).toBe(200);
        expect(page.body.total).toBe(page.body.tasks.length);
        totals.push(page.body.total);
        seen.push(...page.body.tasks.map((t: any) => t.title));
        cursor = page.body.next_cursor;
      }
      expect(totals).toEqual([2, 2, 1]);
      expect(seen).toEqual(['Task 4', 'Task 3', 'Task 2', 'Task 1', 'Task 0']);
    });

    it('when count=exact is asked, then total_count counts the whole filter beside the page\'s total; another count value is 422', async () => {
      const { token } = await aCaller(platform);
      for (let i = 0; i < 3; i++) await aTask(platform, token, { title: `Counted ${i}`, priority: i === 0 ? 'high' : 'low' });
      const page = await rest(platform, 'GET', '/api/planning/tasks?limit=2&count=exact', { token });
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ total: 2, total_count: 3 });
      const filtered = await rest(platform, 'GET', '/api/planning/tasks?priority=1&count=exact', { token });
      expect(filtered.body).toMatchObject({ total: 2, total_count: 2, next_cursor: null });
      const next = await rest(platform, 'GET', `/api/planning/tasks?limit=2&count=exact&cursor=${encodeURIComponent(page.body.next_cursor)}`, { token });
      expect(next.body).toMatchObject({ total: 1, total_count: 3, next_cursor: null });
      const bad = await rest(platform, 'GET', '/api/planning/tasks?count=estimated', { token });
      expect(bad.status).toBe(422);
      expect(bad.body.detail).toEqual([{ loc: ['query', 'count'], msg: 'must be exact (or left out)', type: 'invalid_value' }]);
    });

    it('when filtered by legacy status, priority, projectId and tag forms, then only matching tasks come back', async () => {
      const { token } = await aCaller(platform);
      const project = await aProject(platform, token);
      const urgent = await aTask(platform, token, { title: 'Urgent in project', priority: 4, projectId: project.id, tags: ['red'] });
      const low = await aTask(platform, token, { title: 'Low one', priority: 'LOW', status: 'In_Progress' });
      const list = async (query: string) => (await rest(platform, 'GET', `/api/planning/tasks?${query}`, { token })).body;

      expect((await list('priority=urgent')).tasks.map((t: any) => t.id)).toEqual([urgent.id]);
      expect((await list('priority=4')).tasks.map((t: any) => t.id)).toEqual([urgent.id]);
      expect((await list('priority=1,4')).total).toBe(2);
      expect((await list('status=in_progress')).tasks.map((t: any) => t.id)).toEqual([low.id]);
      expect((await list('status=PENDING&status=In-Progress')).total).toBe(2);
      expect((await list(`projectId=${project.id}`)).tasks.map((t: any) => t.id)).toEqual([urgent.id]);
      expect((await list('tag=red')).tasks.map((t: any) => t.id)).toEqual([urgent.id]);
      expect(await list('tag=blue')).toEqual({ tasks: [], total: 0, next_cursor: null });
    });
  });

  describe('POST /api/planning/tasks', () => {
    it('when every legacy input form is used, then the task is created with 200, the original\'s values and an ETag', async () => {
      const { token, sub } = await aCaller(platform);
      const project = await aProject(platform, token);
      const parent = await aTask(platform, token, { title: 'Parent' });
      const created = await rest(platform, 'POST', '/api/planning/tasks', {
        token,
        body: {
          title: '  Call the supplier  ',
          description: 'About the invoice',
          priority: 3,
          status: 'in_progress',
          dueDate: '2026-11-25T17:00:00',
          estimatedMinutes: 30,
          energyRequired: 'Medium',
          tags: ['phone', 'phone', 'finance'],
          projectId: project.id.toUpperCase(),
          parentId: parent.id,
          assigneeId: 'user-assignee',
          metadata: { source: 'legacy', campaignId: 'c-1' },
        },
      });
      expect(created.status).toBe(200);
      expect(created.headers.get('etag')).toBe('"1"');
      expect(created.body).toMatchObject({
        title: 'Call the supplier',
        priority: 3,
        status: 'IN_PROGRESS',
        dueDate: '2026-11-25T17:00:00.000Z',
        estimatedMinutes: 30,
        energyRequired: 'medium',
        tags: ['phone', 'finance'],
        projectId: project.id,
        parentId: parent.id,
        ownerId: sub,
        userId: sub,
        assigneeId: 'user-assignee',
        assignedUserId: 'user-assignee',
        metadata: { source: 'legacy', campaignId: 'c-1' },
        version: 1,
      });
      const parentNow = await rest(platform, 'GET', `/api/planning/tasks/${parent.id}`, { token });
      expect(parentNow.body.subtaskIds).toEqual([created.body.id]);
      expect(parentNow.body.subtaskCount).toBe(1);
    });

    it('when the assignee is sent as the original assignedUserId, then it is the assignee; beside a different assigneeId, then 422 at that field', async () => {
      const { token } = await aCaller(platform);
      const task = await aTask(platform, token, { assignedUserId: 'user-original-name' });
      expect(task).toMatchObject({ assignedUserId: 'user-original-name', assigneeId: 'user-original-name' });
      const agreeing = await aTask(platform, token, { assignedUserId: 'user-both', assigneeId: 'user-both' });
      expect(agreeing.assignedUserId).toBe('user-both');
      const conflicting = await rest(platform, 'POST', '/api/planning/tasks', { token, body: { title: 'Two assignees', assignedUserId: 'user-a', assigneeId: 'user-b' } });
      expect(conflicting.status).toBe(422);
      expect(conflicting.body.detail).toEqual([{ loc: ['body', 'assignedUserId'], msg: 'must be the same as assigneeId when both are sent', type: 'custom' }]);
      expect(await taskCount(platform, token)).toBe(2);
    });

    it('when a due date carries a zone offset, then it is stored as that instant in UTC', async () => {
      const { token } = await aCaller(platform);
      const task = await aTask(platform, token, { dueDate: '2026-11-25T17:00:00+02:00' });
      expect(task.dueDate).toBe('2026-11-25T15:00:00.000Z');
    });

    it('when the same Idempotency-Key is sent twice, then the second answer is the first task and no second row exists', async () => {
      const { token } = await aCaller(platform);
      const send = () => rest(platform, 'POST', '/api/planning/tasks', { token, body: { title: 'Once' }, headers: { 'idempotency-key': 'legacy-key-1' } });
      const first = await send();
      const second = await send();
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(second.body.id).toBe(first.body.id);
      expect(await taskCount(platform, token)).toBe(1);
    });

    it('when unknown fields are sent, then they are ignored and the task is created without them', async () => {
      const { token } = await aCaller(platform);
      const created = await rest(platform, 'POST', '/api/planning/tasks', { token, body: { title: 'Extra', user_id: 'someone', color: 'red' } });
      expect(created.status).toBe(200);
      expect(created.body).not.toHaveProperty('user_id');
      expect(created.body).not.toHaveProperty('color');
      expect(created.body.metadata).toEqual({});
    });

    it('when a viewer creates a task, then it gets 403 with detail and nothing is written', async () => {
      const { token, orgId } = await aCaller(platform, ['viewer']);
      const refused = await rest(platform, 'POST', '/api/planning/tasks', { token, body: { title: 'Not allowed' } });
      expect(refused.status).toBe(403);
      expect(typeof refused.body.detail).toBe('string');
      const member = await aCaller(platform, ['member'], orgId);
      expect(await taskCount(platform, member.token)).toBe(0);
    });

    it('when the projectId names no project of the org, then it gets 422 at body.projectId', async () => {
      const { token } = await aCaller(platform);
      const refused = await rest(platform, 'POST', '/api/planning/tasks', { token, body: { title: 'Orphan', projectId: '00000000-0000-4000-8000-000000000000' } });
      expect(refused.status).toBe(422);
      expect(refused.body.detail).toEqual([{ loc: ['body', 'projectId'], msg: 'Project not found', type: 'not_found' }]);
      expect(await taskCount(platform, token)).toBe(0);
    });
  });

  describe('GET /api/planning/tasks/{id}', () => {
    it('when the task belongs to another org, then it is 404 "Task not found", exactly like a missing id, well formed or not', async () => {
      const owner = await aCaller(platform);
      const stranger = await aCaller(platform);
      const task = await aTask(platform, owner.token);
      const foreign = await rest(platform, 'GET', `/api/planning/tasks/${task.id}`, { token: stranger.token });
      expect(foreign.status).toBe(404);
      expect(foreign.body).toEqual({ detail: 'Task not found' });
      for (const id of ['00000000-0000-4000-8000-000000000000', 'nonexistent_id']) {
        const missing = await rest(platform, 'GET', `/api/planning/tasks/${id}`, { token: stranger.token });
        expect(missing.status).toBe(404);
        expect(missing.body).toEqual(foreign.body);
      }
    });

    it('when the task exists, then the answer carries its version as ETag', async () => {
      const { token } = await aCaller(platform);
      const task = await aTask(platform, token);
      await rest(platform, 'PATCH', `/api/planning/tasks/${task.id}`, { token, body: { title: 'Renamed' } });
      const read = await rest(platform, 'GET', `/api/planning/tasks/${task.id}`, { token });
      expect(read.status).toBe(200);
      expect(read.headers.get('etag')).toBe('"2"');
      expect(read.body.version).toBe(2);
    });
  });

  describe('PATCH /api/planning/tasks/{id}', () => {
    it.each([['2'], ['"2"'], ['W/"2"'], ['*']])('when If-Match is %s and the task is at version 2, then the change applies', async (ifMatch) => {
      const { token } = await aCaller(platform);
      const task = await aTask(platform, token);
      await rest(platform, 'PATCH', `/api/planning/tasks/${task.id}`, { token, body: { title: 'v2' } });
      const patched = await rest(platform, 'PATCH', `/api/planning/tasks/${task.id}`, { token, body: { priority: 'urgent' }, headers: { 'if-match': ifMatch } });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ priority: 4, version: 3 });
    });

    it('when If-Match names an older version, then it is 412 with the current version and the task is unchanged', async () => {
      const { token } = await aCaller(platform);
      const task = await aTask(platform, token, { title: 'Original' });
      await rest(platform, 'PATCH', `/api/planning/tasks/${task.id}`, { token, body: { description: 'v2' } });
      const stale = await rest(platform, 'PATCH', `/api/planning/tasks/${task.id}`, { token, body: { title: 'Lost update' }, headers: { 'if-match': '"1"' } });
      expect(stale.status).toBe(412);
      expect(stale.body.currentVersion).toBe(2);
      expect(typeof stale.body.detail).toBe('string');
      expect(stale.headers.get('etag')).toBe('"2"');
      const read = await rest(platform, 'GET', `/api/planning/tasks/${task.id}`, { token });
      expect(read.body).toMatchObject({ title: 'Original', version: 2 });
    });

    it('when the task does not exist, then it is 404 "Task not found"', async () => {
      const { token } = await aCaller(platform);
      const missing = await rest(platform, 'PATCH', '/api/planning/tasks/00000000-0000-4000-8000-000000000000', { token, body: { title: 'x' } });
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ detail: 'Task not found' });
    });

    it('when energyRequired comes in the original\'s lower case and the assignee as assignedUserId, then both change; null clears the assignee', async () => {
      const { token } = await aCaller(platform);
      const task = await aTask(platform, token, { energyRequired: 'HIGH' });
      expect(task.energyRequired).toBe('high');
      const patched = await rest(platform, 'PATCH', `/api/planning/tasks/${task.id}`, { token, body: { energyRequired: 'medium', assignedUserId: 'user-later' } });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ energyRequired: 'medium', assignedUserId: 'user-later', assigneeId: 'user-later', version: 2 });
      const cleared = await rest(platform, 'PATCH', `/api/planning/tasks/${task.id}`, { token, body: { assignedUserId: null, energyRequired: null } });
      expect(cleared.body).toMatchObject({ energyRequired: null, assignedUserId: null, assigneeId: null });
    });

    it('when a nullable field is sent as null, then it is cleared', async () => {
      const { token } = await aCaller(platform);
      const task = await aTask(platform, token, { description: 'to clear', dueDate: '2026-01-01' });
      const patched = await rest(platform, 'PATCH', `/api/planning/tasks/${task.id}`, { token, body: { description: null, dueDate: null } });
      expect(patched.body).toMatchObject({ description: null, dueDate: null });
    });
  });

  describe('POST /api/planning/tasks/{id}/complete and DELETE /api/planning/tasks/{id}', () => {
    it('when a task is completed with actual minutes, then it is COMPLETED with completedAt and those minutes', async () => {
      const { token } = await aCaller(platform);
      const task = await aTask(platform, token);
      const completed = await rest(platform, 'POST', `/api/planning/tasks/${task.id}/complete`, { token, body: { actualMinutes: 42 } });
      expect(completed.status).toBe(200);
      expect(completed.body).toMatchObject({ status: 'COMPLETED', actualMinutes: 42, version: 2 });
      expect(completed.headers.get('etag')).toBe('"2"');
    });

    it('when complete carries a stale If-Match, then it is 412 and the task stays open', async () => {
      const { token } = await aCaller(platform);
      const task = await aTask(platform, token);
      await rest(platform, 'PATCH', `/api/planning/tasks/${task.id}`, { token, body: { title: 'v2' } });
      const stale = await rest(platform, 'POST', `/api/planning/tasks/${task.id}/complete`, { token, headers: { 'if-match': '1' } });
      expect(stale.status).toBe(412);
      expect((await rest(platform, 'GET', `/api/planning/tasks/${task.id}`, { token })).body.status).toBe('PENDING');
    });

    it('when a missing task is completed or deleted, then both are 404 "Task not found"', async () => {
      const { token } = await aCaller(platform);
      const id = '00000000-0000-4000-8000-000000000000';
      for (const [method, path] of [['POST', `/api/planning/tasks/${id}/complete`], ['DELETE', `/api/planning/tasks/${id}`]] as const) {
        const answer = await rest(platform, method, path, { token });
        expect(answer.status).toBe(404);
        expect(answer.body).toEqual({ detail: 'Task not found' });
      }
    });

    it('when a task is deleted, then the answer is {"success": true} and it no longer lists', async () => {
      const { token } = await aCaller(platform);
      const task = await aTask(platform, token);
      const deleted = await rest(platform, 'DELETE', `/api/planning/tasks/${task.id}`, { token });
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual({ success: true });
      expect(await taskCount(platform, token)).toBe(0);
    });
  });
});
