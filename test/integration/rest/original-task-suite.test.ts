import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';
import { aCaller, aProject, aTask, ORIGINAL_TASK_KEYS, rest, taskCount } from './rest-client.js';

/**
 * The original Focus API's own REST tests for tasks (repository m-check1B/mono-applications, folder
 * previous-gen-apps/focus-kraliki/backend: tests/unit/test_tasks.py), ported as HTTP calls to the gateway on the real
 * services. Each title starts with the original test it comes from; the few that come from the original router or
 * schema (app/routers/tasks.py, app/schemas/task.py) where its suite had no test say so. Where the original seeded
 * rows with its ORM, these create them through the API. "Another user" is a user of another org: tenancy here is per
 * org, and another org's task answers exactly like a missing one.
 */
describe('the original API\'s task tests, through the gateway', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => platform?.close());

  const list = (token: string, query = '') => rest(platform, 'GET', `/api/planning/tasks${query}`, { token });

  describe('TestTaskCreation', () => {
    it('test_create_task_success: when a task is created with a description and priority 2, then it is 200 with those, PENDING, the caller as userId', async () => {
      const { token, sub } = await aCaller(platform);
      const response = await rest(platform, 'POST', '/api/planning/tasks', {
        token,
        body: { title: 'Test task', description: 'Test description', priority: 2, status: 'PENDING' },
      });
      expect(response.status).toBe(200);
      const data = response.body;
      expect(data.title).toBe('Test task');
      expect(data.description).toBe('Test description');
      expect(data.priority).toBe(2);
      expect(data.status).toBe('PENDING');
      expect(data.userId).toBe(sub);
      expect(data).toHaveProperty('id');
      expect(data.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      for (const key of ORIGINAL_TASK_KEYS) expect(data, key).toHaveProperty(key);
    });

    it('test_create_task_minimal: when only a title is sent, then it is 200 with that title and an id', async () => {
      const { token } = await aCaller(platform);
      const response = await rest(platform, 'POST', '/api/planning/tasks', { token, body: { title: 'Minimal task' } });
      expect(response.status).toBe(200);
      expect(response.body.title).toBe('Minimal task');
      expect(response.body).toHaveProperty('id');
    });

    it('test_create_task_unauthenticated: when no token is sent, then it is 401', async () => {
      const response = await rest(platform, 'POST', '/api/planning/tasks', { body: { title: 'Unauthorized task' } });
      expect(response.status).toBe(401);
    });
  });

  describe('TestTaskRetrieval', () => {
    it('test_list_tasks_empty: when the caller has no tasks, then tasks is [] and total 0', async () => {
      const { token } = await aCaller(platform);
      const response = await list(token);
      expect(response.status).toBe(200);
      expect(response.body.tasks).toEqual([]);
      expect(response.body.total).toBe(0);
    });

    it('test_list_tasks_with_data: when the caller has two tasks, then both are listed and total is 2', async () => {
      const { token } = await aCaller(platform);
      await aTask(platform, token, { title: 'Task 1', priority: 1, status: 'PENDING' });
      await aTask(platform, token, { title: 'Task 2', priority: 2, status: 'IN_PROGRESS' });
      const response = await list(token);
      expect(response.status).toBe(200);
      expect(response.body.tasks).toHaveLength(2);
      expect(response.body.total).toBe(2);
    });

    it('test_list_tasks_filtered_by_status: when filtered by status=PENDING, then only the pending task comes back', async () => {
      const { token } = await aCaller(platform);
      await aTask(platform, token, { title: 'Task 1', status: 'PENDING' });
      await aTask(platform, token, { title: 'Task 2', status: 'COMPLETED' });
      const response = await list(token, '?status=PENDING');
      expect(response.status).toBe(200);
      expect(response.body.tasks).toHaveLength(1);
      expect(response.body.tasks[0].status).toBe('PENDING');
    });

    it('test_get_task_by_id: when a task is read by its id, then it is 200 with that task', async () => {
      const { token } = await aCaller(platform);
      const task = await aTask(platform, token, { title: 'Specific Task', description: 'Task description' });
      const response = await rest(platform, 'GET', `/api/planning/tasks/${task.id}`, { token });
      expect(response.status).toBe(200);
      expect(response.body.id).toBe(task.id);
      expect(response.body.title).toBe('Specific Task');
    });

    it('test_get_nonexistent_task: when the id is nonexistent_id, then it is 404 "Task not found"', async () => {
      const { token } = await aCaller(platform);
      const response = await rest(platform, 'GET', '/api/planning/tasks/nonexistent_id', { token });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ detail: 'Task not found' });
    });

    it('test_get_other_users_task: when the task is another org\'s, then it is 404, its existence hidden', async () => {
      const other = await aCaller(platform);
      const task = await aTask(platform, other.token, { title: 'User 2 Task' });
      const { token } = await aCaller(platform);
      const response = await rest(platform, 'GET', `/api/planning/tasks/${task.id}`, { token });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ detail: 'Task not found' });
    });
  });

  describe('TestTaskUpdate', () => {
    it('test_update_task_title: when the title is patched, then the answer carries the new title', async () => {
      const { token } = await aCaller(platform);
      const task = await aTask(platform, token, { title: 'Original Title' });
      const response = await rest(platform, 'PATCH', `/api/planning/tasks/${task.id}`, { token, body: { title: 'Updated Title' } });
      expect(response.status).toBe(200);
      expect(response.body.title).toBe('Updated Title');
    });

    it('test_update_task_status: when the status is patched to IN_PROGRESS, then the answer is IN_PROGRESS', async () => {
      const { token } = await aCaller(platform);
      const task = await aTask(platform, token, { title: 'Task', status: 'PENDING' });
      const response = await rest(platform, 'PATCH', `/api/planning/tasks/${task.id}`, { token, body: { status: 'IN_PROGRESS' } });
      expect(response.status).toBe(200);
      expect(response.body.status).toBe('IN_PROGRESS');
    });

    it('test_complete_task_sets_completed_at: when the status is patched to COMPLETED, then completedAt is set', async () => {
      const { token } = await aCaller(platform);
      const task = await aTask(platform, token, { title: 'Task to Complete', status: 'PENDING' });
      expect(task.completedAt).toBeNull();
      const response = await rest(platform, 'PATCH', `/api/planning/tasks/${task.id}`, { token, body: { status: 'COMPLETED' } });
      expect(response.status).toBe(200);
      expect(response.body.status).toBe('COMPLETED');
      expect(response.body.completedAt).not.toBeNull();
    });

    it('test_update_nonexistent_task: when nonexistent_id is patched, then it is 404 and nothing is written', async () => {
      const { token } = await aCaller(platform);
      const response = await rest(platform, 'PATCH', '/api/planning/tasks/nonexistent_id', { token, body: { title: 'Updated' } });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ detail: 'Task not found' });
      expect(await taskCount(platform, token)).toBe(0);
    });
  });

  describe('TestTaskDelete', () => {
    it('test_delete_task: when a task is deleted, then it is 200 {"success": true} (the original router\'s answer) and it is gone', async () => {
      const { token } = await aCaller(platform);
      const task = await aTask(platform, token, { title: 'Task to Delete' });
      const response = await rest(platform, 'DELETE', `/api/planning/tasks/${task.id}`, { token });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ success: true });
      expect((await rest(platform, 'GET', `/api/planning/tasks/${task.id}`, { token })).status).toBe(404);
    });

    it('app/routers/tasks.py delete_task (no original test): when nonexistent_id or another org\'s task is deleted, then it is 404 and nothing goes', async () => {
      const other = await aCaller(platform);
      const foreign = await aTask(platform, other.token);
      const { token } = await aCaller(platform);
      for (const id of ['nonexistent_id', foreign.id]) {
        const response = await rest(platform, 'DELETE', `/api/planning/tasks/${id}`, { token });
        expect(response.status).toBe(404);
        expect(response.body).toEqual({ detail: 'Task not found' });
      }
      expect(await taskCount(platform, other.token)).toBe(1);
    });
  });

  describe('TestTaskPriorityFiltering', () => {
    it('test_filter_by_priority: when filtered by priority=3, then only the priority-3 task comes back', async () => {
      const { token } = await aCaller(platform);
      await aTask(platform, token, { title: 'High Priority', priority: 3 });
      await aTask(platform, token, { title: 'Low Priority', priority: 1 });
      const response = await list(token, '?priority=3');
      expect(response.status).toBe(200);
      expect(response.body.tasks).toHaveLength(1);
      expect(response.body.tasks[0].priority).toBe(3);
    });
  });

  describe('app/routers/tasks.py list_tasks (filters and limit the original suite did not test)', () => {
    it('when filtered by projectId, then only the project\'s tasks come back, with that projectId', async () => {
      const { token } = await aCaller(platform);
      const project = await aProject(platform, token);
      const inProject = await aTask(platform, token, { title: 'In the project', projectId: project.id });
      await aTask(platform, token, { title: 'Elsewhere' });
      const response = await list(token, `?projectId=${project.id}`);
      expect(response.status).toBe(200);
      expect(response.body.tasks.map((t: any) => [t.id, t.projectId])).toEqual([[inProject.id, project.id]]);
      expect(response.body.total).toBe(1);
    });

    it('when limit=3 of 5 tasks, then 3 come back and total is 3 (the answer\'s length); limit 101 and 0 are 422 at query.limit', async () => {
      const { token } = await aCaller(platform);
      for (let i = 0; i < 5; i++) await aTask(platform, token, { title: `Task ${i}` });
      const limited = await list(token, '?limit=3');
      expect(limited.body.tasks).toHaveLength(3);
      expect(limited.body.total).toBe(3);
      for (const limit of ['101', '0']) {
        const response = await list(token, `?limit=${limit}`);
        expect(response.status).toBe(422);
        expect(response.body.detail).toEqual([{ loc: ['query', 'limit'], msg: limit === '0' ? 'must be at least 1' : 'must be at most 100', type: limit === '0' ? 'too_small' : 'too_big' }]);
      }
    });
  });

  describe('app/schemas/task.py: what the original schemas accepted and refused', () => {
    it('when the title is missing, then it is 422 with FastAPI\'s entry at body.title and nothing is written', async () => {
      const { token } = await aCaller(platform);
      const response = await rest(platform, 'POST', '/api/planning/tasks', { token, body: { description: 'No title' } });
      expect(response.status).toBe(422);
      expect(response.body).toEqual({ detail: [{ loc: ['body', 'title'], msg: 'Field required', type: 'missing' }] });
      expect(await taskCount(platform, token)).toBe(0);
    });

    it('when the priority is "highest" or out of 1..4, then it is 422 at body.priority on create and update', async () => {
      const { token } = await aCaller(platform);
      const task = await aTask(platform, token, { priority: 2 });
      for (const priority of ['highest', 0, 5]) {
        for (const [method, path, body] of [
          ['POST', '/api/planning/tasks', { title: 'Bad priority', priority }],
          ['PATCH', `/api/planning/tasks/${task.id}`, { priority }],
        ] as const) {
          const response = await rest(platform, method, path, { token, body });
          expect(response.status, `${method} ${JSON.stringify(priority)}`).toBe(422);
          expect(response.body.detail).toEqual([{ loc: ['body', 'priority'], msg: 'must be low, medium, high or urgent (any case) or 1..4', type: 'custom' }]);
        }
      }
      expect(await taskCount(platform, token)).toBe(1);
      expect((await rest(platform, 'GET', `/api/planning/tasks/${task.id}`, { token })).body).toMatchObject({ priority: 2, version: 1 });
    });

    it('when the status is "DONE", then it is 422 at body.status on update and at query.status on the list', async () => {
      const { token } = await aCaller(platform);
      const task = await aTask(platform, token);
      const update = await rest(platform, 'PATCH', `/api/planning/tasks/${task.id}`, { token, body: { status: 'DONE' } });
      expect(update.status).toBe(422);
      expect(update.body.detail).toEqual([{ loc: ['body', 'status'], msg: 'must be one of pending, in_progress, completed, archived (any case)', type: 'custom' }]);
      const filtered = await list(token, '?status=DONE');
      expect(filtered.status).toBe(422);
      expect(filtered.body.detail.map((p: any) => p.loc)).toEqual([['query', 'status']]);
    });

    it('when energyRequired is one of the original\'s values (low, medium, high), then it is accepted on create and update and answered so', async () => {
      const { token } = await aCaller(platform);
      const created = await rest(platform, 'POST', '/api/planning/tasks', { token, body: { title: 'Needs focus', energyRequired: 'medium' } });
      expect(created.status).toBe(200);
      expect(created.body.energyRequired).toBe('medium');
      const updated = await rest(platform, 'PATCH', `/api/planning/tasks/${created.body.id}`, { token, body: { energyRequired: 'high' } });
      expect(updated.status).toBe(200);
      expect(updated.body.energyRequired).toBe('high');
    });

    it('when the assignee is sent as the original\'s assignedUserId, then it is answered as assignedUserId', async () => {
      const { token } = await aCaller(platform);
      const created = await rest(platform, 'POST', '/api/planning/tasks', { token, body: { title: 'Delegated', assignedUserId: 'user-colleague' } });
      expect(created.status).toBe(200);
      expect(created.body.assignedUserId).toBe('user-colleague');
    });
  });
});
