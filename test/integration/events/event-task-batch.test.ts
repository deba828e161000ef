import { PLANNING_ENTITIES } from '../../../src/modules/planning-entities.js';
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AcceptedEvent, acceptDelivery } from '../../../src/consumers/inbound-delivery.js';
import { applyEventsInOneTransaction } from '../../../src/consumers/inbound-event-group.js';
import { INBOUND_HANDLERS } from '../../../src/consumers/inbound-event-processor.js';
import type { InboundHandler } from '../../../src/consumers/inbound-handler.js';
import type { Caller } from '../../../src/modules/common/caller.js';
import { CursorCodec } from '../../../src/modules/common/cursor.js';
import { ProjectService } from '../../../src/modules/projects/project.service.js';
import { TaskService } from '../../../src/modules/tasks/task.service.js';
import { migrateToLatest, openOrm, QueryCounter } from '../../../src/platform/db/orm.js';
import { aCallEndedEvent, aWorkflowSuggestedEvent } from '../../testkit/inbound-events.js';
import { aNewOrg } from '../../testkit/planning-app.js';
import { createTestDatabase, type TestDatabase } from '../../testkit/test-database.js';

/** Creates the tasks its event carries, as they are: a handler that can ask for every field a task has. */
const verbatimHandler: InboundHandler<{ tasks: unknown[] }> = {
  type: 'test.verbatim',
  dataSchema: z.object({ tasks: z.array(z.unknown()) }),
  async handle(data, { tasks, actor }) {
    const created = await tasks.createTasksFromEvent(actor, data.tasks, 'ai_workflow');
    return { created: created.map((t) => t.id) };
  },
};

const handlers = new Map([...INBOUND_HANDLERS, verbatimHandler].map((h) => [h.type, h]));
const codec = new CursorCodec('test-cursor-secret-0123456789');

/** An event as the consumer accepts it (validated envelope and data). */
function accepted(routingKey: string, event: unknown): AcceptedEvent {
  const result = acceptDelivery({ routingKey, body: Buffer.from(JSON.stringify(event)), messageId: undefined, headers: {}, redeliveries: 0 }, handlers);
  if ('refused' in result) throw new Error(result.refused);
  return result;
}
const verbatim = (orgId: string, tasks: unknown[]) =>
  accepted('test.verbatim', { id: randomUUID(), type: 'test.verbatim', user_id: 'agent-7', org_id: orgId, data: { tasks } });
const aCallback = (orgId: string, name: string) => accepted('comms.call.ended', aCallEndedEvent(orgId, { data: { contact: { name } } }));

describe('a group of inbound events is written as a set', () => {
  let database: TestDatabase;
  let orm: MikroORM;
  const statements = new QueryCounter();

  beforeAll(async () => {
    database = await createTestDatabase();
    orm = await openOrm({ entities: PLANNING_ENTITIES, clientUrl: database.url, poolMax: database.kind === 'embedded' ? 1 : 4, queryCounter: statements });
    await migrateToLatest(orm);
  });
  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  const rows = async (sql: string, params: unknown[] = []) => orm.em.fork().execute<Array<Record<string, any>>>(sql, params);
  const member = (orgId: string): Caller => ({ userId: 'agent-7', orgId, roles: ['member'] });

  it('when groups of 4 and of 40 call events are applied, then both cost the same number of SQL statements', async () => {
    const measure = async (size: number) => {
      const orgs = [aNewOrg(), aNewOrg()];
      const events = Array.from({ length: size }, (_, i) => aCallback(orgs[i % 2]!, `Contact ${i}`));
      statements.reset();
      const results = await applyEventsInOneTransaction(orm, codec, events);
      expect(results.every((r) => r.kind === 'applied')).toBe(true);
      const counted = statements.count;
      const tasks = await rows('select count(*)::int as n from planning_tasks where org_id = any(?::text[])', [`{${orgs.join(',')}}`]);
      expect(tasks[0]!.n).toBe(size);
      return counted;
    };
    const small = await measure(4);
    const large = await measure(40);
    console.log('[statements] group of 4 =', small, ', group of 40 =', large);
    expect(large).toBe(small);
    // begin, inbox, position locks, next positions, tasks, outbox events, commit
    expect(small).toBeLessThanOrEqual(7);
  });

  it('when one group creates tasks in two orgs, then each org hands out positions after its own last task, in event order', async () => {
    const [a, b] = [aNewOrg(), aNewOrg()];
    const tasks = new TaskService(orm.em.fork(), codec);
    for (const title of ['a0', 'a1', 'a2']) await tasks.createTask(member(a), { title });
    const events = [
      aCallback(a, 'First of A'),
      accepted('agents.workflow.suggested', aWorkflowSuggestedEvent(b)),
      verbatim(a, [{ title: 'Second of A' }, { title: 'Third of A' }]),
    ];
    const results = await applyEventsInOneTransaction(orm, codec, events);
    expect(results.map((r) => r.kind)).toEqual(['applied', 'applied', 'applied']);

    const positions = async (orgId: string) =>
      (await rows('select title, position from planning_tasks where org_id = ? order by position', [orgId])).map((r) => [r.title, r.position]);
    expect(await positions(a)).toEqual([
      ['a0', 0],
      ['a1', 1],
      ['a2', 2],
      ['Call back First of A', 3],
      ['Second of A', 4],
      ['Third of A', 5],
    ]);
    expect((await positions(b)).map(([, position]) => position)).toEqual([0, 1, 2]);
    // What each event created is recorded with its inbox row, in its own order.
    const recorded = await rows('select result from planning_inbox where event_key = ?', [events[2]!.key]);
    const created = (results[2] as { created: string[] }).created;
    expect(recorded[0]!.result).toEqual({ created });
    expect((await rows('select title from planning_tasks where id = any(?::uuid[]) order by position', [`{${created.join(',')}}`])).map((r) => r.title)).toEqual([
      'Second of A',
      'Third of A',
    ]);
  });

  it('when an event asks for every field of a task (project, parent, tags, status, dates, metadata), then the tasks and their events are those the one-by-one use case writes', async () => {
    const inputsIn = async (orgId: string) => {
      const project = await new ProjectService(orm.em.fork(), codec).createProject(member(orgId), { name: 'Launch' });
      const parent = await new TaskService(orm.em.fork(), codec).createTask(member(orgId), { title: 'Parent', projectId: project.id });
      return [
        { title: 'In the project', projectId: project.id, tags: ['x', 'y', 'x'], priority: 'URGENT', dueDate: '2026-12-24T18:00:00.000Z' },
        { title: 'A subtask', parentId: parent.id, status: 'COMPLETED', actualMinutes: 15, energyRequired: 'HIGH' },
        { title: 'Unfiled', description: 'with a description', estimatedMinutes: 30, assigneeId: 'user-9', metadata: { source: 'ai_workflow', n: 1 } },
      ];
    };
    const [viaGroup, viaUseCase] = [aNewOrg(), aNewOrg()];
    const groupInputs = await inputsIn(viaGroup);
    const results = await applyEventsInOneTransaction(orm, codec, [aCallback(viaGroup, 'Neighbour'), verbatim(viaGroup, groupInputs)]);
    expect(results.map((r) => r.kind)).toEqual(['applied', 'applied']);
    await new TaskService(orm.em.fork(), codec).createTasksFromEvent(member(viaUseCase), [{ title: 'Call back Neighbour', priority: 'HIGH' }], 'call_callback');
    await new TaskService(orm.em.fork(), codec).createTasksFromEvent(member(viaUseCase), await inputsIn(viaUseCase), 'ai_workflow');

    // Everything but ids, the org and the clock, with relations named instead of by id.
    const tasksOf = async (orgId: string) =>
      rows(
        `select t.title, t.description, t.status, t.priority, t.due_date, t.completed_at is not null as completed, t.estimated_minutes,
                t.actual_minutes, t.energy_required, t.tags, t.position, p.name as project, parent.title as parent, t.owner_id,
                t.assignee_id, t.metadata::jsonb - 'callId' as metadata, t.version, t.created_at = t.updated_at as untouched
           from planning_tasks t left join planning_projects p on p.id = t.project_id left join planning_tasks parent on parent.id = t.parent_id
          where t.org_id = ? and t.title <> 'Call back Neighbour' order by t.title`,
        [orgId],
      );
    const written = await tasksOf(viaGroup);
    expect(written).toHaveLength(4);
    expect(written).toEqual(await tasksOf(viaUseCase));
    expect(written.find((t) => t.title === 'In the project')).toMatchObject({ tags: ['x', 'y'], priority: 4, project: 'Launch', position: 1 });
    expect(written.find((t) => t.title === 'A subtask')).toMatchObject({ project: 'Launch', parent: 'Parent', completed: true, position: 2 });

    const eventsOf = async (orgId: string) =>
      (
        await rows(
          `select (envelope::jsonb->'data') - 'task_id' - 'project_id' as data, envelope->>'user_id' as user_id, headers
             from planning_outbox where envelope->>'org_id' = ? and event_type = 'planning.task.created' order by envelope->'data'->>'title'`,
          [orgId],
        )
      ).filter((e) => e.data.title !== 'Parent');
    expect(await eventsOf(viaGroup)).toEqual(await eventsOf(viaUseCase));
    expect(await eventsOf(viaGroup)).toHaveLength(4);
  });

  it('when one event creates 12 tasks, then they list in step order by default and by TITLE as a person reads them (every title keyed)', async () => {
    const orgId = aNewOrg();
    const steps = Array.from({ length: 12 }, (_, i) => ({ title: i % 2 ? `Étape ${i + 1}` : `step ${i + 1}` }));
    const results = await applyEventsInOneTransaction(orm, codec, [verbatim(orgId, steps)]);
    expect(results.map((r) => r.kind)).toEqual(['applied']);

    const tasks = new TaskService(orm.em.fork(), codec);
    const listed = await tasks.listTasks(member(orgId), { first: 20 });
    expect(listed.edges.map((e) => e.node.title)).toEqual(steps.map((s) => s.title));
    const byTitle = await tasks.listTasks(member(orgId), { first: 20, orderBy: { field: 'TITLE' } });
    expect(byTitle.edges.map((e) => e.node.title)).toEqual([
      ...['Étape 10', 'Étape 12', 'Étape 2', 'Étape 4', 'Étape 6', 'Étape 8'],
      ...['step 1', 'step 11', 'step 3', 'step 5', 'step 7', 'step 9'],
    ]);
    const keys = await rows('select title, title_key from planning_tasks where org_id = ?', [orgId]);
    expect(keys.map((r) => r.title_key).sort()).toEqual(keys.map((r) => r.title.replace('Étape', 'etape')).sort());
  });

  it('when a task of the group names a project of another org, then that event alone is refused (NOT_FOUND) and the rest of the group is written', async () => {
    const [mine, theirs] = [aNewOrg(), aNewOrg()];
    const project = await new ProjectService(orm.em.fork(), codec).createProject(member(theirs), { name: 'Not yours' });
    const results = await applyEventsInOneTransaction(orm, codec, [
      aCallback(mine, 'Before'),
      verbatim(mine, [{ title: 'Sneaky', projectId: project.id }]),
      aCallback(mine, 'After'),
    ]);
    expect(results.map((r) => r.kind)).toEqual(['applied', 'dead-letter', 'applied']);
    expect(results[1]).toMatchObject({ reason: expect.stringContaining('NOT_FOUND') });
    expect((await rows('select title from planning_tasks where org_id = ? order by position', [mine])).map((r) => r.title)).toEqual([
      'Call back Before',
      'Call back After',
    ]);
    expect(await rows('select 1 from planning_tasks where project_id = ?', [project.id])).toHaveLength(0);
  });
});
