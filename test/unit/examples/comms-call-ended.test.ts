import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CallRecordStore, recordCallEnded } from '../../../src/examples/comms/comms.subgraph.js';
import { aCallEndedEvent } from '../../testkit/inbound-events.js';

const body = (event: unknown) => Buffer.from(typeof event === 'string' ? event : JSON.stringify(event));

describe('the comms example reading comms.call.ended', () => {
  it('when the store is new, then a task has no calls in any org', () => {
    const store = new CallRecordStore();

    expect(store.listForTask('org-1', randomUUID())).toEqual([]);
    expect(store.size).toBe(0);
  });

  it('when an event names a task, then exactly what it carried is recorded for its org, times in UTC and the task id as planning writes it', () => {
    const store = new CallRecordStore();
    const task = randomUUID();
    const event = aCallEndedEvent('org-1', { data: { task_id: task.toUpperCase() } });

    const outcome = recordCallEnded(store, body(event));

    const call = {
      id: event.data.call_id,
      taskId: task,
      outcome: 'callback_requested',
      endedAt: '2026-11-25T10:00:00.000Z',
      contactName: 'Jana Novak',
      phone: '+420 777 123 456',
      scheduledAt: '2026-11-26T08:30:00.000Z',
      campaignId: 'campaign-42',
    };
    expect(outcome).toEqual({ kind: 'recorded', orgId: 'org-1', call });
    expect(store.listForTask('org-1', task)).toEqual([call]);
    expect(store.listForTask('org-2', task)).toEqual([]);
  });

  it('when an event leaves out what it may, then those fields are null, not made up', () => {
    const store = new CallRecordStore();
    const task = randomUUID();
    const event = { type: 'comms.call.ended', org_id: 'org-1', user_id: 'agent-1', data: { call_id: 'c-bare', outcome: 'busy', task_id: task } };

    recordCallEnded(store, body(event));

    expect(store.listForTask('org-1', task)).toEqual([
      { id: 'c-bare', taskId: task, outcome: 'busy', endedAt: null, contactName: null, phone: null, scheduledAt: null, campaignId: null },
    ]);
  });

  it.each([
    ['names no task', aCallEndedEvent('org-1'), 'data.task_id: names no task'],
    ['is not JSON', '{"type": "comms.call.ended"', 'body is not JSON'],
    ['is of another type', { ...aCallEndedEvent('org-1', { data: { task_id: randomUUID() } }), type: 'comms.call.started' }, 'type:'],
    ['has no org', { ...aCallEndedEvent('', { data: { task_id: randomUUID() } }) }, 'org_id:'],
    ['has a callback time that is no date', aCallEndedEvent('org-1', { data: { task_id: randomUUID(), callback_time: 'tomorrow' } }), 'data.callback_time:'],
    ['names a task id that is no planning id', aCallEndedEvent('org-1', { data: { task_id: 'task-1' } }), 'data.task_id:'],
  ])('when an event %s, then it is ignored with the reason and nothing is kept', (_what, event, reason) => {
    const store = new CallRecordStore();

    const outcome = recordCallEnded(store, body(event));

    expect(outcome).toMatchObject({ kind: 'ignored', reason: expect.stringContaining(reason) });
    expect(store.size).toBe(0);
  });
});
