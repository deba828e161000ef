import { beforeEach, describe, expect, it } from 'vitest';
import { type EventHarness, waitUntil } from '../../testkit/event-harness.js';
import { useEventSuite } from '../../testkit/event-suite.js';
import { aCallEndedEvent, aWorkflowSuggestedEvent } from '../../testkit/inbound-events.js';
import { aCaller, type TestPlanningApp } from '../../testkit/planning-app.js';

describe('events from other modules become tasks', () => {
  const suite = useEventSuite();
  let harness: EventHarness;
  let app: TestPlanningApp;
  beforeEach(() => ({ harness, app } = suite()));

  const tasksOf = async (orgId: string) => {
    const data = await app.ok(
      aCaller({ orgId, roles: ['viewer'] }),
      `{ tasks(first: 100, orderBy: {field: POSITION, direction: ASC}) { totalCount edges { node {
          id title description priority dueDate metadata owner { id } position } } } }`,
    );
    return { total: data.tasks.totalCount as number, tasks: data.tasks.edges.map((e: any) => e.node) };
  };

  it('when comms reports a call that ended with a callback request, then a HIGH task "Call back {name}" due at the callback time exists and planning.task.created says call_callback', async () => {
    const caller = aCaller();
    const event = aCallEndedEvent(caller.orgId);
    await harness.publishInbound('comms.call.ended', event);

    await waitUntil(async () => (await tasksOf(caller.orgId)).total === 1, 10_000, 'the callback task');
    const [task] = (await tasksOf(caller.orgId)).tasks;
    expect(task).toMatchObject({
      title: 'Call back Jana Novak',
      priority: 'HIGH',
      dueDate: '2026-11-26T08:30:00.000Z',
      owner: { id: 'agent-7' },
      metadata: { source: 'call', callId: event.data.call_id, campaignId: 'campaign-42' },
    });
    expect(task.description).toContain('Scheduled callback at 2026-11-26T09:30:00+01:00');
    expect(task.description).toContain('+420 777 123 456');

    await harness.waitForObserved((m) => m.some((x) => x.body.data.task_id === task.id));
    const created = harness.observed.find((x) => x.body.data.task_id === task.id)!;
    expect(created.routingKey).toBe('planning.task.created');
    expect(created.body).toMatchObject({ type: 'planning.task.created', source: 'planning', org_id: caller.orgId, user_id: 'agent-7' });
    expect(created.body.data).toMatchObject({ source: 'call_callback', priority: 'high', title: 'Call back Jana Novak' });
    expect(created.messageId).toBe(created.body.id);
  });

  it('when a call ended with another known outcome, then it is acknowledged and no task is created', async () => {
    const caller = aCaller();
    const marker = aCallEndedEvent(caller.orgId);
    await harness.publishInbound('comms.call.ended', aCallEndedEvent(caller.orgId, { data: { outcome: 'completed' } }));
    await harness.publishInbound('comms.call.ended', marker);
    // The marker is handled after the first (same queue, in order): once it is there, the first was processed.
    await waitUntil(async () => (await tasksOf(caller.orgId)).total >= 1, 10_000, 'the marker task');
    expect((await tasksOf(caller.orgId)).total).toBe(1);
  });

  it('when an AI workflow is suggested, then one task per step exists in step order with source ai_workflow', async () => {
    const caller = aCaller();
    const event = aWorkflowSuggestedEvent(caller.orgId);
    await harness.publishInbound('agents.workflow.suggested', event);

    await waitUntil(async () => (await tasksOf(caller.orgId)).total === 3, 10_000, 'three workflow tasks');
    const { tasks } = await tasksOf(caller.orgId);
    expect(tasks.map((t: any) => [t.title, t.priority])).toEqual([
      ['Collect the signed contract', 'HIGH'],
      ['Create the customer account', 'MEDIUM'],
      ['Send the welcome pack', 'LOW'],
    ]);
    expect(tasks.map((t: any) => t.position)).toEqual([0, 1, 2]);
    for (const t of tasks) expect(t.metadata).toEqual({ source: 'ai_workflow', workflowId: event.data.workflow_id });

    const ids = new Set(tasks.map((t: any) => t.id));
    await harness.waitForObserved((m) => m.filter((x) => ids.has(x.body.data.task_id)).length === 3);
    const sources = harness.observed.filter((x) => ids.has(x.body.data.task_id)).map((x) => x.body.data.source);
    expect(sources).toEqual(['ai_workflow', 'ai_workflow', 'ai_workflow']);
  });

  it('when the same event is delivered twice, ten times and concurrently, then it takes effect once', async () => {
    const caller = aCaller();
    const event = aCallEndedEvent(caller.orgId);
    const settledBefore = app.worker!.settledDeliveries();
    await Promise.all(Array.from({ length: 10 }, () => harness.publishInbound('comms.call.ended', event)));
    // Every delivery settled (applied once, the others acknowledged as duplicates): nothing more is to come.
    await waitUntil(() => app.worker!.settledDeliveries() >= settledBefore + 10, 10_000, 'the ten deliveries to settle');
    const { tasks } = await tasksOf(caller.orgId);
    expect(tasks.filter((t: any) => t.title === 'Call back Jana Novak')).toHaveLength(1);
  });

  it('when events without an id repeat, then they are deduplicated on their content', async () => {
    const caller = aCaller();
    const event = aCallEndedEvent(caller.orgId, { id: null });
    const other = aCallEndedEvent(caller.orgId, { id: null, data: { contact: { name: 'Petr Svoboda' } } });
    const settledBefore = app.worker!.settledDeliveries();
    for (const e of [event, event, other, event]) await harness.publishInbound('comms.call.ended', e);
    await waitUntil(() => app.worker!.settledDeliveries() >= settledBefore + 4, 10_000, 'the four deliveries to settle');
    const titles = (await tasksOf(caller.orgId)).tasks.map((t: any) => t.title).sort();
    expect(titles).toEqual(['Call back Jana Novak', 'Call back Petr Svoboda']);
  });
});
