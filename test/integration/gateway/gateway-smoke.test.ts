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
    // Resolved by comms, which has heard of no call about this task.
    expect(read.body.data.tasks.edges[0].node.callbacks).toEqual([]);
    expect(platform.comms.seenCallers.at(-1)).toEqual({ userId: 'user-1', orgId: 'org-smoke', requestId: 'req-smoke-1' });
  });
});

describe('request id from gateway to event', () => {
  it('when a client sends X-Request-Id, then the task.created event published for its mutation carries the same id', async () => {
    const { createEventHarness } = await import('../../testkit/event-harness.js');
    const { startWorker } = await import('../../../src/main/worker-role.js');
    const { createLogger } = await import('../../../src/platform/logging/logger.js');
    const harness = await createEventHarness();
    const platform = await startTestPlatform();
    const worker = await startWorker({ orm: platform.orm, bus: harness.createBus(), logger: createLogger('silent'), cursorSecret: 'x'.repeat(20), outboxPollMs: 100 });
    try {
      const token = await platform.mintToken();
      const created = await platform.gql(token, 'mutation { createTask(input: {title: "traced"}) { id } }', undefined, {
        'x-request-id': 'req-follow-me-42',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      });
      expect(created.headers.get('x-request-id')).toBe('req-follow-me-42');
      const taskId = created.body.data.createTask.id;
      await harness.waitForObserved((m) => m.some((x) => x.body.data?.task_id === taskId));
      const event = harness.observed.find((x) => x.body.data?.task_id === taskId)!;
      expect(event.headers['x-request-id']).toBe('req-follow-me-42');
    } finally {
      await worker.stop();
      await platform.close();
      await harness.close();
    }
  });
});
