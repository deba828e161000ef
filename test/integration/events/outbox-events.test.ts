import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { projectEventSchemas } from '../../../src/modules/projects/project.events.js';
import { taskEventSchemas } from '../../../src/modules/tasks/task.events.js';
import { type EventHarness, type ObservedMessage } from '../../testkit/event-harness.js';
import { useEventSuite } from '../../testkit/event-suite.js';
import {
  aCaller,
  createProject,
  createTask,
  type TestCaller,
  type TestPlanningApp,
} from '../../testkit/planning-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const schemas: Record<string, z.ZodObject> = { ...taskEventSchemas, ...projectEventSchemas };

describe('mutations publish their events through the outbox', () => {
  const suite = useEventSuite();
  let harness: EventHarness;
  let app: TestPlanningApp;
  beforeEach(() => ({ harness, app } = suite()));

  const eventsOfOrg = (orgId: string) => harness.observed.filter((m) => m.body.org_id === orgId);
  const typesOfOrg = (orgId: string) => eventsOfOrg(orgId).map((m) => m.routingKey);
  const waitForOrgEvents = (orgId: string, count: number) => harness.waitForObserved(() => eventsOfOrg(orgId).length >= count);
  const eventsOfTask = (taskId: string) => harness.observed.filter((m) => m.body.data.task_id === taskId);

  /** Rows this org has in the outbox, published or not. */
  const outboxRows = async (orgId: string) => {
    const [row] = await app.orm.em
      .fork()
      .execute<Array<{ n: number | string }>>(`select count(*) as n from planning_outbox where envelope->>'org_id' = ?`, [orgId]);
    return Number(row?.n);
  };

  /** A mutation whose event proves that everything the org did before it has been published (per-org order). */
  const publishMarker = async (caller: TestCaller) => {
    const marker = await createTask(app, caller, { title: 'marker' });
    await harness.waitForObserved(() => eventsOfTask(marker.id).length === 1);
    return marker;
  };

  const expectEnvelope = (message: ObservedMessage, caller: TestCaller) => {
    const envelope = message.body;
    expect(envelope.id).toMatch(UUID);
    expect(message.messageId).toBe(envelope.id);
    expect(envelope.type).toBe(message.routingKey);
    expect(envelope.source).toBe('planning');
    expect(z.iso.datetime().safeParse(envelope.timestamp).success, `timestamp ${envelope.timestamp}`).toBe(true);
    expect(new Date(envelope.timestamp).toISOString()).toBe(envelope.timestamp);
    expect(Math.abs(Date.now() - Date.parse(envelope.timestamp))).toBeLessThan(60_000);
    expect(envelope.user_id).toBe(caller.userId);
    expect(envelope.org_id).toBe(caller.orgId);
    const schema = schemas[envelope.type];
    expect(schema, `a published schema for ${envelope.type}`).toBeDefined();
    // Strict: `data` carries the documented fields and nothing else.
    const parsed = schema!.strict().safeParse(envelope.data);
    expect(parsed.success, `data of ${envelope.type}: ${parsed.error?.message}`).toBe(true);
    if (harness.kind === 'rabbitmq') {
      expect(message.persistent).toBe(true);
      expect(message.contentType).toBe('application/json');
    }
  };

  const gqlUpdate = (caller: TestCaller, id: string, input: Record<string, unknown>, expectedVersion?: number) =>
    app.gql(caller, 'mutation($id: ID!, $input: UpdateTaskInput!, $v: Int) { updateTask(id: $id, input: $input, expectedVersion: $v) { id version title } }', {
      id,
      input,
      v: expectedVersion,
    });

  describe('tasks', () => {
    it('when a task is created, then planning.task.created carries its id, title, lowercase priority, project, assignee and source api', async () => {
      const caller = aCaller();
      const project = await createProject(app, caller);
      const task = await createTask(app, caller, { title: 'Write the report', priority: 'URGENT', projectId: project.id, assigneeId: 'user-42' });

      await harness.waitForObserved(() => eventsOfTask(task.id).length === 1);
      const [created] = eventsOfTask(task.id);
      expect(created!.routingKey).toBe('planning.task.created');
      expectEnvelope(created!, caller);
      expect(created!.body.data).toEqual({
        task_id: task.id,
        title: 'Write the report',
        priority: 'urgent',
        project_id: project.id,
        assignee_id: 'user-42',
        source: 'api',
      });
    });

    it('when a task without project or assignee is created, then project_id and assignee_id are null', async () => {
      const caller = aCaller();
      const task = await createTask(app, caller, { title: 'Loose task' });
      await harness.waitForObserved(() => eventsOfTask(task.id).length === 1);
      const [created] = eventsOfTask(task.id);
      expectEnvelope(created!, caller);
      expect(created!.body.data).toEqual({ task_id: task.id, title: 'Loose task', priority: 'medium', project_id: null, assignee_id: null, source: 'api' });
    });

    it('when three tasks are created in one bulk call, then three planning.task.created arrive in input order', async () => {
      const caller = aCaller();
      const data = await app.ok(caller, 'mutation($inputs: [CreateTaskInput!]!) { createTasks(inputs: $inputs) { id title } }', {
        inputs: [
          { title: 'first', priority: 'LOW' },
          { title: 'second', priority: 'HIGH' },
          { title: 'third' },
        ],
      });
      const ids = data.createTasks.map((t: { id: string }) => t.id);

      await waitForOrgEvents(caller.orgId, 3);
      const events = eventsOfOrg(caller.orgId);
      expect(events).toHaveLength(3);
      for (const e of events) expectEnvelope(e, caller);
      expect(events.map((e) => e.routingKey)).toEqual(['planning.task.created', 'planning.task.created', 'planning.task.created']);
      expect(events.map((e) => e.body.data.task_id)).toEqual(ids);
      expect(events.map((e) => [e.body.data.title, e.body.data.priority])).toEqual([
        ['first', 'low'],
        ['second', 'high'],
        ['third', 'medium'],
      ]);
      expect(new Set(events.map((e) => e.body.id)).size).toBe(3);
    });

    it('when a task is updated, then planning.task.updated holds exactly the changed fields, snake_case, with their new values', async () => {
      const caller = aCaller();
      const task = await createTask(app, caller, { title: 'Before', description: 'same', priority: 'LOW', tags: ['a'] });
      const result = await gqlUpdate(caller, task.id, {
        title: 'After',
        description: 'same',
        priority: 'HIGH',
        dueDate: '2026-12-01T10:00:00Z',
        estimatedMinutes: 45,
        tags: ['a', 'b'],
      });
      expect(result.errors).toBeUndefined();

      await harness.waitForObserved(() => eventsOfTask(task.id).length === 2);
      const [, updated] = eventsOfTask(task.id);
      expect(updated!.routingKey).toBe('planning.task.updated');
      expectEnvelope(updated!, caller);
      expect(updated!.body.data).toEqual({
        task_id: task.id,
        changes: {
          title: 'After',
          priority: 'high',
          due_date: '2026-12-01T10:00:00.000Z',
          estimated_minutes: 45,
          tags: ['a', 'b'],
        },
      });
    });

    it('when a field is cleared, then planning.task.updated reports it as null', async () => {
      const caller = aCaller();
      const task = await createTask(app, caller, { description: 'to be cleared', dueDate: '2026-12-01T10:00:00Z' });
      expect((await gqlUpdate(caller, task.id, { description: null, dueDate: null })).errors).toBeUndefined();

      await harness.waitForObserved(() => eventsOfTask(task.id).length === 2);
      expect(eventsOfTask(task.id)[1]!.body.data).toEqual({ task_id: task.id, changes: { description: null, due_date: null } });
    });

    it('when an update changes nothing, then no event is published', async () => {
      const caller = aCaller();
      const task = await createTask(app, caller, { title: 'Same', priority: 'HIGH', tags: ['x'] });
      const result = await gqlUpdate(caller, task.id, { title: 'Same', priority: 'HIGH', tags: ['x'] });
      expect(result.errors).toBeUndefined();
      expect(result.data.updateTask.version).toBe(task.version);

      await publishMarker(caller);
      expect(typesOfOrg(caller.orgId)).toEqual(['planning.task.created', 'planning.task.created']);
      expect(eventsOfTask(task.id)).toHaveLength(1);
      expect(await outboxRows(caller.orgId)).toBe(2);
    });

    it('when a task with a campaign is completed with actual minutes, then planning.task.completed carries campaign_id and those minutes', async () => {
      const caller = aCaller();
      const task = await createTask(app, caller, { metadata: { campaignId: 'camp-1' } });
      await app.ok(caller, 'mutation($id: ID!) { completeTask(id: $id, actualMinutes: 37) { id status } }', { id: task.id });

      await harness.waitForObserved(() => eventsOfTask(task.id).some((e) => e.routingKey === 'planning.task.completed'));
      const completed = eventsOfTask(task.id).filter((e) => e.routingKey === 'planning.task.completed');
      expect(completed).toHaveLength(1);
      expectEnvelope(completed[0]!, caller);
      expect(completed[0]!.body.data).toEqual({ task_id: task.id, duration_minutes: 37, campaign_id: 'camp-1' });
    });

    it('when a task without a campaign is completed, then planning.task.completed has no campaign_id key and a duration in minutes', async () => {
      const caller = aCaller();
      const task = await createTask(app, caller);
      await app.ok(caller, 'mutation($id: ID!) { completeTask(id: $id) { id } }', { id: task.id });

      await harness.waitForObserved(() => eventsOfTask(task.id).some((e) => e.routingKey === 'planning.task.completed'));
      const completed = eventsOfTask(task.id).find((e) => e.routingKey === 'planning.task.completed')!;
      expectEnvelope(completed, caller);
      expect(Object.keys(completed.body.data).sort()).toEqual(['duration_minutes', 'task_id']);
      // Created and completed within the test: no time has passed in whole minutes.
      expect(completed.body.data.duration_minutes).toBe(0);
    });

    it('when a completed task is reopened, then planning.task.reopened follows planning.task.completed', async () => {
      const caller = aCaller();
      const task = await createTask(app, caller);
      await app.ok(caller, 'mutation($id: ID!) { completeTask(id: $id) { id } }', { id: task.id });
      await app.ok(caller, 'mutation($id: ID!) { reopenTask(id: $id) { id status } }', { id: task.id });

      await harness.waitForObserved(() => eventsOfTask(task.id).some((e) => e.routingKey === 'planning.task.reopened'));
      await publishMarker(caller);
      const events = eventsOfTask(task.id);
      for (const e of events) expectEnvelope(e, caller);
      expect(events.map((e) => e.routingKey)).toEqual([
        'planning.task.created',
        'planning.task.updated',
        'planning.task.completed',
        'planning.task.updated',
        'planning.task.reopened',
      ]);
      expect(events[4]!.body.data).toEqual({ task_id: task.id });
      expect(events[3]!.body.data.changes).toEqual({ status: 'pending', completed_at: null });
    });

    it('when an open task is reopened, then nothing is published', async () => {
      const caller = aCaller();
      const task = await createTask(app, caller);
      await app.ok(caller, 'mutation($id: ID!) { reopenTask(id: $id) { id } }', { id: task.id });
      await publishMarker(caller);
      expect(eventsOfTask(task.id).map((e) => e.routingKey)).toEqual(['planning.task.created']);
    });

    it('when updateTask sets status COMPLETED, then planning.task.updated and planning.task.completed are published', async () => {
      const caller = aCaller();
      const task = await createTask(app, caller, { metadata: { campaignId: 'camp-2' }, actualMinutes: 12 });
      expect((await gqlUpdate(caller, task.id, { status: 'COMPLETED' })).errors).toBeUndefined();

      await harness.waitForObserved(() => eventsOfTask(task.id).length === 3);
      const [, updated, completed] = eventsOfTask(task.id);
      expect(updated!.routingKey).toBe('planning.task.updated');
      expect(updated!.body.data.changes).toEqual({ status: 'completed', completed_at: expect.any(String) });
      expect(Number.isNaN(Date.parse(updated!.body.data.changes.completed_at))).toBe(false);
      expect(completed!.routingKey).toBe('planning.task.completed');
      expect(completed!.body.data).toEqual({ task_id: task.id, duration_minutes: 12, campaign_id: 'camp-2' });
      for (const e of [updated!, completed!]) expectEnvelope(e, caller);
    });

    it('when a parent with two subtasks is deleted, then three planning.task.deleted are published, one per task', async () => {
      const caller = aCaller();
      const parent = await createTask(app, caller, { title: 'parent' });
      const first = await createTask(app, caller, { title: 'sub 1', parentId: parent.id });
      const second = await createTask(app, caller, { title: 'sub 2', parentId: parent.id });
      await app.ok(caller, 'mutation($id: ID!) { deleteTask(id: $id) { deletedId } }', { id: parent.id });

      await harness.waitForObserved(() => eventsOfOrg(caller.orgId).filter((e) => e.routingKey === 'planning.task.deleted').length >= 3);
      await publishMarker(caller);
      const deleted = eventsOfOrg(caller.orgId).filter((e) => e.routingKey === 'planning.task.deleted');
      expect(deleted).toHaveLength(3);
      for (const e of deleted) expectEnvelope(e, caller);
      expect(deleted.map((e) => e.body.data.task_id).sort()).toEqual([parent.id, first.id, second.id].sort());
      // Subtasks before their parent.
      expect(deleted[2]!.body.data).toEqual({ task_id: parent.id });
    });

    it('when one task is updated five times in quick succession, then its updated events arrive in version order', async () => {
      const caller = aCaller();
      const task = await createTask(app, caller, { title: 'v1' });
      const results = await Promise.all(
        [2, 3, 4, 5, 6].map((n) => gqlUpdate(caller, task.id, { title: `title ${n}`, estimatedMinutes: n })),
      );
      for (const r of results) expect(r.errors).toBeUndefined();
      const versionOfTitle = new Map(results.map((r) => [r.data.updateTask.title as string, r.data.updateTask.version as number]));
      expect([...versionOfTitle.values()].sort()).toEqual([2, 3, 4, 5, 6]);

      await harness.waitForObserved(() => eventsOfTask(task.id).length === 6);
      const updates = eventsOfTask(task.id).slice(1);
      expect(updates.every((e) => e.routingKey === 'planning.task.updated')).toBe(true);
      expect(updates.map((e) => versionOfTitle.get(e.body.data.changes.title))).toEqual([2, 3, 4, 5, 6]);
    });
  });

  describe('projects', () => {
    it('when a project is created, updated, archived and deleted, then planning.project.created, updated, archived and deleted carry its id', async () => {
      const caller = aCaller({ roles: ['admin'] });
      const project = await createProject(app, caller);
      await app.ok(caller, 'mutation($id: ID!) { updateProject(id: $id, input: {name: "Renamed"}) { id } }', { id: project.id });
      await app.ok(caller, 'mutation($id: ID!) { archiveProject(id: $id) { id status } }', { id: project.id });
      await app.ok(caller, 'mutation($id: ID!) { deleteProject(id: $id) { deletedId } }', { id: project.id });

      await waitForOrgEvents(caller.orgId, 4);
      const events = eventsOfOrg(caller.orgId);
      for (const e of events) expectEnvelope(e, caller);
      expect(events.map((e) => e.routingKey)).toEqual([
        'planning.project.created',
        'planning.project.updated',
        'planning.project.archived',
        'planning.project.deleted',
      ]);
      for (const e of events) expect(e.body.data).toEqual({ project_id: project.id });
    });

    it('when a project update changes nothing, then no event is published', async () => {
      const caller = aCaller();
      const project = await createProject(app, caller, { name: 'Same name' });
      await app.ok(caller, 'mutation($id: ID!) { updateProject(id: $id, input: {name: "Same name"}) { id } }', { id: project.id });
      await publishMarker(caller);
      expect(typesOfOrg(caller.orgId)).toEqual(['planning.project.created', 'planning.task.created']);
    });

    it('when a project with tasks is deleted, then each detached task gets planning.task.updated with project_id null', async () => {
      const caller = aCaller({ roles: ['admin'] });
      const project = await createProject(app, caller);
      const tasks = [await createTask(app, caller, { projectId: project.id }), await createTask(app, caller, { projectId: project.id })];
      const elsewhere = await createTask(app, caller);
      await app.ok(caller, 'mutation($id: ID!) { deleteProject(id: $id) { deletedId } }', { id: project.id });

      await harness.waitForObserved(() => eventsOfOrg(caller.orgId).some((e) => e.routingKey === 'planning.project.deleted'));
      await publishMarker(caller);
      const afterDelete = eventsOfOrg(caller.orgId).slice(4, -1);
      for (const e of afterDelete) expectEnvelope(e, caller);
      expect(afterDelete.map((e) => e.routingKey).sort()).toEqual(['planning.project.deleted', 'planning.task.updated', 'planning.task.updated']);
      const detached = afterDelete.filter((e) => e.routingKey === 'planning.task.updated');
      expect(detached.map((e) => e.body.data.task_id).sort()).toEqual(tasks.map((t) => t.id).sort());
      for (const e of detached) expect(e.body.data.changes).toEqual({ project_id: null });
      expect(eventsOfTask(elsewhere.id)).toHaveLength(1);
    });
  });

  describe('failures and replays', () => {
    it('when a bulk create fails on one invalid item among five, then nothing is published and no outbox row is written', async () => {
      const caller = aCaller();
      const inputs = Array.from({ length: 5 }, (_, i) => ({ title: i === 3 ? '   ' : `bulk ${i}` }));
      const result = await app.gql(caller, 'mutation($inputs: [CreateTaskInput!]!) { createTasks(inputs: $inputs) { id } }', { inputs });
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(await outboxRows(caller.orgId)).toBe(0);

      await publishMarker(caller);
      expect(typesOfOrg(caller.orgId)).toEqual(['planning.task.created']);
      expect(await outboxRows(caller.orgId)).toBe(1);
    });

    it('when a bulk create fails inside its transaction (an unknown project on the last item), then nothing is published and no outbox row is written', async () => {
      const caller = aCaller();
      const inputs = Array.from({ length: 5 }, (_, i) => ({ title: `bulk ${i}`, ...(i === 4 ? { projectId: randomUUID() } : {}) }));
      const result = await app.gql(caller, 'mutation($inputs: [CreateTaskInput!]!) { createTasks(inputs: $inputs) { id } }', { inputs });
      expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(await outboxRows(caller.orgId)).toBe(0);

      await publishMarker(caller);
      expect(typesOfOrg(caller.orgId)).toEqual(['planning.task.created']);
    });

    it('when an update names a wrong expectedVersion, then it fails with CONFLICT and publishes nothing', async () => {
      const caller = aCaller();
      const task = await createTask(app, caller);
      await harness.waitForObserved(() => eventsOfTask(task.id).length === 1);
      const result = await gqlUpdate(caller, task.id, { title: 'Lost update' }, task.version + 1);
      expect(result.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect(await outboxRows(caller.orgId)).toBe(1);

      await publishMarker(caller);
      expect(eventsOfTask(task.id).map((e) => e.routingKey)).toEqual(['planning.task.created']);
      expect(await outboxRows(caller.orgId)).toBe(2);
    });

    it('when createTask is replayed with the same idempotency key, then the second call publishes no second event', async () => {
      const caller = aCaller();
      const mutation = 'mutation($input: CreateTaskInput!, $key: String) { createTask(input: $input, idempotencyKey: $key) { id } }';
      const variables = { input: { title: 'Only once' }, key: `key-${randomUUID()}` };
      const first = await app.ok(caller, mutation, variables);
      const second = await app.ok(caller, mutation, variables);
      expect(second.createTask.id).toBe(first.createTask.id);

      await publishMarker(caller);
      expect(eventsOfTask(first.createTask.id)).toHaveLength(1);
      expect(typesOfOrg(caller.orgId)).toEqual(['planning.task.created', 'planning.task.created']);
      expect(await outboxRows(caller.orgId)).toBe(2);
    });
  });
});
