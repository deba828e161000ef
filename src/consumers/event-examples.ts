/**
 * The seed's three flows as event examples for the AsyncAPI document (contracts/asyncapi.json, docs/events.md):
 * a call that asks for a callback becomes a follow-up task, an AI workflow becomes ordered tasks, and a completed
 * task of a campaign tells the campaign. test/unit/event-contract.test.ts checks each against its schema.
 */
const ORG = 'acme';
const USER = 'user-1';
const TASK = { callback: '3f1b6c2e-8a4d-4b7e-9c1a-2d5e6f708192', contract: '5a0c2d4e-6f81-4a93-8b5c-7d9e0f1a2b3c', account: '6b1d3e5f-7092-4ba4-9c6d-8e0f1a2b3c4d' };

const inbound = (id: string, type: string, source: string, timestamp: string, data: Record<string, unknown>) =>
  ({ id, type, source, timestamp, user_id: USER, org_id: ORG, data });
const outbound = (id: string, type: string, timestamp: string, data: Record<string, unknown>) =>
  ({ id, type, source: 'planning', timestamp, user_id: USER, org_id: ORG, data });

export interface EventExample {
  name: string;
  summary: string;
  payload: Record<string, unknown>;
}

/** Examples by event type, in the order of the flows. */
export const EVENT_EXAMPLES: Record<string, EventExample[]> = {
  'comms.call.ended': [
    {
      name: 'callback-requested',
      summary: 'Flow 1: a call ends with a callback request; planning creates the follow-up task.',
      payload: inbound('evt-call-ended-7f3a', 'comms.call.ended', 'comms', '2026-11-25T10:00:00Z', {
        call_id: 'call-123',
        outcome: 'callback_requested',
        contact: { name: 'Jana Novak', phone: '+420 777 123 456' },
        callback_time: '2026-11-26T09:30:00+01:00',
        campaign_id: 'campaign-42',
      }),
    },
  ],
  'agents.workflow.suggested': [
    {
      name: 'onboarding-workflow',
      summary: 'Flow 2: an AI workflow of three steps; planning creates three tasks in step order.',
      payload: inbound('evt-workflow-91c2', 'agents.workflow.suggested', 'agents', '2026-11-25T10:05:00Z', {
        workflow_id: 'wf-onboarding-9',
        steps: [
          { action: 'Collect the signed contract', priority: 'high' },
          { action: 'Create the customer account', priority: 'medium', estimated_minutes: 30 },
          { action: 'Send the welcome pack', priority: 'low' },
        ],
      }),
    },
  ],
  'planning.task.created': [
    {
      name: 'callback-task',
      summary: 'Flow 1: the follow-up task of the callback request.',
      payload: outbound('0d4e6f70-8192-4a3b-8c4d-5e6f70819203', 'planning.task.created', '2026-11-25T10:00:01.120Z', {
        task_id: TASK.callback, title: 'Call back Jana Novak', priority: 'high', project_id: null, assignee_id: null, source: 'call_callback',
      }),
    },
    {
      name: 'workflow-first-task',
      summary: 'Flow 2: the first of the workflow\'s tasks (one event per step, in step order).',
      payload: outbound('1e5f7081-92a3-4b4c-9d5e-6f7081920314', 'planning.task.created', '2026-11-25T10:05:00.480Z', {
        task_id: TASK.contract, title: 'Collect the signed contract', priority: 'high', project_id: null, assignee_id: null, source: 'ai_workflow',
      }),
    },
  ],
  'planning.task.completed': [
    {
      name: 'campaign-task-completed',
      summary: 'Flow 3: the callback task is completed; `campaign_id` tells the campaign.',
      payload: outbound('2f608192-a3b4-4c5d-8e6f-708192031425', 'planning.task.completed', '2026-11-26T09:42:10.000Z', {
        task_id: TASK.callback, duration_minutes: 12, campaign_id: 'campaign-42',
      }),
    },
  ],
  'planning.task.updated': [
    {
      name: 'task-started',
      summary: 'Flow 2: the account task moves to IN_PROGRESS.',
      payload: outbound('30718293-b4c5-4d6e-9f70-819203142536', 'planning.task.updated', '2026-11-25T11:00:00.000Z', {
        task_id: TASK.account, changes: { status: 'in_progress' },
      }),
    },
  ],
};
