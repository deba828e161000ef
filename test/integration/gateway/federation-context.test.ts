import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventHarness, waitUntil, type EventHarness } from '../../testkit/event-harness.js';
import { aCallEndedEvent } from '../../testkit/inbound-events.js';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SPANNING_QUERY = '{ tasks { edges { node { id title callbacks { id phone } } } } }';
const CALLBACKS_OF_TASK = `query($id: ID!) { task(id: $id) { id title callbacks {
  id taskId outcome endedAt contactName phone scheduledAt campaignId
} } }`;

describe('federation through the gateway: both subgraphs and the caller context', () => {
  let platform: TestPlatform;
  let events: EventHarness;
  beforeAll(async () => {
    events = await createEventHarness();
    // The comms example hears the comms.call.ended events of this harness (RabbitMQ when RABBITMQ_URL is set).
    platform = await startTestPlatform({ commsEvents: events.callEventSource() });
  });
  afterAll(async () => {
    await platform?.close();
    await events?.close();
  });

  const aMember = () => ({ sub: `user-${randomUUID().slice(0, 8)}`, org_id: `org-${randomUUID().slice(0, 8)}`, roles: ['member' as const] });

  async function createTask(token: string, title: string): Promise<{ id: string; owner: { id: string } }> {
    const created = await platform.gql(token, 'mutation($title: String!) { createTask(input: {title: $title}) { id owner { id } } }', { title });
    expect(created.body.errors).toBeUndefined();
    return created.body.data.createTask;
  }

  /** Publishes `event` on the bus as comms would, and waits until the comms example has heard it. */
  async function reportCall(event: Record<string, unknown>): Promise<void> {
    const heardBefore = platform.comms.heard.recorded;
    await events.publishInbound('comms.call.ended', event);
    await waitUntil(() => platform.comms.heard.recorded > heardBefore, 10_000, 'the comms example to record the call');
  }

  it('when a query spans planning and comms for a task created a moment ago, then it carries planning\'s fields and no call', async () => {
    const token = await platform.mintToken(aMember());
    const task = await createTask(token, 'Spanning both');

    const result = await platform.gql(token, SPANNING_QUERY);

    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data.tasks.edges).toEqual([{ node: { id: task.id, title: 'Spanning both', callbacks: [] } }]);
    const single = await platform.gql(token, CALLBACKS_OF_TASK, { id: task.id });
    expect(single.body).toEqual({ data: { task: { id: task.id, title: 'Spanning both', callbacks: [] } } });
  });

  it('when comms reports on the bus a call about the task, then exactly that call comes back on it, and only to its org', async () => {
    const member = aMember();
    const token = await platform.mintToken(member);
    const task = await createTask(token, 'Called about');
    const other = await createTask(token, 'Not called about');
    const call = aCallEndedEvent(member.org_id, { data: { task_id: task.id } });
    // The same call reported to another org, about the same task id: it must not reach this org's task.
    const elsewhere = aCallEndedEvent(`org-${randomUUID().slice(0, 8)}`, { data: { task_id: task.id, call_id: 'call-of-another-org' } });

    await reportCall(elsewhere);
    await reportCall(call);
    await reportCall(call); // delivered twice (at-least-once): recorded once

    const read = await platform.gql(token, CALLBACKS_OF_TASK, { id: task.id });
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.task.callbacks).toEqual([
      {
        id: call.data.call_id,
        taskId: task.id,
        outcome: 'callback_requested',
        endedAt: '2026-11-25T10:00:00.000Z',
        contactName: 'Jana Novak',
        phone: '+420 777 123 456',
        scheduledAt: '2026-11-26T08:30:00.000Z',
        campaignId: 'campaign-42',
      },
    ]);
    const untouched = await platform.gql(token, CALLBACKS_OF_TASK, { id: other.id });
    expect(untouched.body.data.task.callbacks).toEqual([]);
  });

  it('when the client sends X-Request-Id, then comms receives it with the token\'s user and org and the response echoes it', async () => {
    const member = aMember();
    const token = await platform.mintToken(member);
    await createTask(token, 'With a request id');
    const requestId = `req-${randomUUID()}`;
    const seenBefore = platform.comms.seenCallers.length;

    const result = await platform.gql(token, SPANNING_QUERY, undefined, { 'x-request-id': requestId });
    expect(result.status).toBe(200);
    expect(result.headers.get('x-request-id')).toBe(requestId);
    const seen = platform.comms.seenCallers.slice(seenBefore);
    expect(seen).toEqual([{ userId: member.sub, orgId: member.org_id, requestId }]);
  });

  it('when the client sends no request id, then a generated one is returned and is the one comms receives', async () => {
    const member = aMember();
    const token = await platform.mintToken(member);
    await createTask(token, 'Without a request id');
    const seenBefore = platform.comms.seenCallers.length;

    const result = await platform.gql(token, SPANNING_QUERY);
    const generated = result.headers.get('x-request-id');
    expect(generated).toMatch(UUID);
    expect(platform.comms.seenCallers.slice(seenBefore)).toEqual([{ userId: member.sub, orgId: member.org_id, requestId: generated }]);
  });

  it('when the client sends a malformed request id, then it is replaced by a generated one', async () => {
    const token = await platform.mintToken(aMember());
    await createTask(token, 'Bad request id');
    const seenBefore = platform.comms.seenCallers.length;

    const result = await platform.gql(token, SPANNING_QUERY, undefined, { 'x-request-id': 'bad id with spaces <script>' });
    const returned = result.headers.get('x-request-id');
    expect(returned).toMatch(UUID);
    expect(platform.comms.seenCallers.slice(seenBefore).map((c) => c.requestId)).toEqual([returned]);
  });

  it('when the client forges caller headers, then the subgraphs see the token\'s caller instead', async () => {
    const member = aMember();
    const token = await platform.mintToken(member);
    const victimOrg = `org-${randomUUID().slice(0, 8)}`;
    const victim = await platform.mintToken({ sub: 'user-victim', org_id: victimOrg, roles: ['member'] });
    await createTask(victim, 'Victim task');
    await createTask(token, 'Own task');
    const seenBefore = platform.comms.seenCallers.length;

    const result = await platform.gql(token, SPANNING_QUERY, undefined, {
      'x-user-id': 'user-victim',
      'x-org-id': victimOrg,
      'x-roles': 'admin',
    });
    expect(result.body.data.tasks.edges.map((e: any) => e.node.title)).toEqual(['Own task']);
    expect(platform.comms.seenCallers.slice(seenBefore)).toEqual([
      { userId: member.sub, orgId: member.org_id, requestId: result.headers.get('x-request-id') },
    ]);
  });

  it('when a task is created through the gateway, then planning records the token\'s sub as its owner', async () => {
    const member = aMember();
    const token = await platform.mintToken(member);
    const task = await createTask(token, 'Owned');
    expect(task.owner).toEqual({ id: member.sub });

    const read = await platform.gql(token, 'query($id: ID!) { task(id: $id) { owner { id } } }', { id: task.id });
    expect(read.body.data.task.owner).toEqual({ id: member.sub });
  });

  it('when a user of another org asks, then the tasks are invisible and comms is asked about none of them', async () => {
    const owner = await platform.mintToken(aMember());
    const task = await createTask(owner, 'Private to its org');
    const stranger = await platform.mintToken(aMember());

    const list = await platform.gql(stranger, '{ tasks { totalCount edges { node { id } } } }');
    expect(list.body.data.tasks).toEqual({ totalCount: 0, edges: [] });
    const single = await platform.gql(stranger, 'query($id: ID!) { task(id: $id) { id title callbacks { id } } }', { id: task.id });
    const notFound = single.body.data?.task === null || single.body.errors?.[0]?.extensions?.code === 'NOT_FOUND';
    expect(notFound).toBe(true);
    expect(JSON.stringify(single.body)).not.toContain('Private to its org');
  });

  it('when `_entities` is queried through the gateway, then validation rejects it and no subgraph is called', async () => {
    const owner = await platform.mintToken(aMember());
    const task = await createTask(owner, 'Not via _entities');
    const stranger = await platform.mintToken(aMember());
    const seenBefore = platform.comms.seenCallers.length;

    const result = await platform.gql(
      stranger,
      'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Task { id title } } }',
      { reps: [{ __typename: 'Task', id: task.id }] },
    );
    expect(result.status).toBe(400);
    expect(result.body.data ?? null).toBeNull();
    expect(result.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(result.body)).not.toContain('Not via _entities');
    expect(platform.comms.seenCallers.length).toBe(seenBefore);
  });

  it('when `_service` is queried through the gateway, then it is not exposed either', async () => {
    const token = await platform.mintToken(aMember());
    const result = await platform.gql(token, '{ _service { sdl } }');
    expect(result.status).toBe(400);
    expect(result.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
