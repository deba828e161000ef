import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';

describe('gateway smoke', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => platform?.close());

  it('when a member creates a task through the gateway, then both subgraphs answer with the caller context', async () => {
    const token = await platform.mintToken({ sub: 'user-1', org_id: 'org-smoke', roles: ['member'] });
    const created = await platform.gql(token, 'mutation { createTask(input: {title: "Through the gateway"}) { id owner { id } } }');
    expect(created.status).toBe(200);
    expect(created.body.data.createTask.owner).toEqual({ id: 'user-1' });
    const read = await platform.gql(token, '{ tasks { edges { node { title callbacks { id } } } } }', undefined, { 'x-request-id': 'req-smoke-1' });
    expect(read.body.data.tasks.edges[0].node.title).toBe('Through the gateway');
    expect(read.body.data.tasks.edges[0].node.callbacks.length).toBeGreaterThan(0);
    expect(platform.comms.seenCallers.at(-1)).toEqual({ userId: 'user-1', orgId: 'org-smoke', requestId: 'req-smoke-1' });
  });
});
