import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCallRecordFor } from '../../../src/examples/comms/comms.subgraph.js';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SPANNING_QUERY = '{ tasks { edges { node { id title callbacks { id phone } } } } }';

describe('federation through the gateway: both subgraphs and the caller context', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => platform?.close());

  const aMember = () => ({ sub: `user-${randomUUID().slice(0, 8)}`, org_id: `org-${randomUUID().slice(0, 8)}`, roles: ['member' as const] });

  async function createTask(token: string, title: string): Promise<{ id: string; owner: { id: string } }> {
    const created = await platform.gql(token, 'mutation($title: String!) { createTask(input: {title: $title}) { id owner { id } } }', { title });
    expect(created.body.errors).toBeUndefined();
    return created.body.data.createTask;
  }

  it('when a query spans planning and comms, then each task carries both subgraphs\' fields', async () => {
    const member = aMember();
    const token = await platform.mintToken(member);
    const task = await createTask(token, 'Spanning both');

    const result = await platform.gql(token, SPANNING_QUERY);
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    const seed = seedCallRecordFor(task.id);
    expect(result.body.data.tasks.edges).toEqual([
      { node: { id: task.id, title: 'Spanning both', callbacks: [{ id: seed.id, phone: seed.phone }] } },
    ]);
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
