import { beforeEach, describe, expect, it } from 'vitest';
import type { CapturedLogs } from '../../testkit/captured-logs.js';
import type { EventHarness } from '../../testkit/event-harness.js';
import { usePlatformWithWorker } from '../../testkit/event-suite.js';
import type { TestPlatform } from '../../testkit/platform-app.js';

describe('one request id across gateway log, subgraph log and published event', () => {
  const suite = usePlatformWithWorker();
  let harness: EventHarness;
  let platform: TestPlatform;
  let logs: CapturedLogs;
  beforeEach(() => ({ harness, platform, logs } = suite()));

  const createTask = async (title: string, headers: Record<string, string> = {}) => {
    const token = await platform.mintToken({ sub: 'user-logs', org_id: 'org-logs' });
    const created = await platform.gql(token, `mutation CreateLogged { createTask(input: {title: "${title}"}) { id } }`, undefined, headers);
    expect(created.status).toBe(200);
    const taskId: string = created.body.data.createTask.id;
    await harness.waitForObserved((messages) => messages.some((m) => m.body.data?.task_id === taskId));
    return { response: created, event: harness.observed.find((m) => m.body.data?.task_id === taskId)! };
  };

  it('when a client sends X-Request-Id, then the gateway line, the subgraph line, the event and the relay line all carry it', async () => {
    const { event } = await createTask('follow the id', { 'x-request-id': 'req-observe-77' });

    const gatewayLine = await logs.waitFor((r) => r.component === 'gateway' && r.requestId === 'req-observe-77', 'the gateway request line');
    expect(gatewayLine).toMatchObject({ path: '/graphql', method: 'POST', status: 200, operationName: 'CreateLogged', userId: 'user-logs', orgId: 'org-logs' });
    expect(gatewayLine.durationMs).toBeGreaterThanOrEqual(0);
    const subgraphLine = await logs.waitFor((r) => r.component === 'planning' && r.requestId === 'req-observe-77', 'the subgraph request line');
    // The gateway names each subgraph fetch after the client's operation (`<name>__<subgraph>__<n>`).
    expect(subgraphLine).toMatchObject({ path: '/graphql', status: 200, operationName: 'CreateLogged__planning__0', userId: 'user-logs', orgId: 'org-logs' });
    expect(event.headers['x-request-id']).toBe('req-observe-77');
    const relayLine = await logs.waitFor((r) => r.msg === 'outbox: event published' && r.eventId === event.messageId, 'the relay line');
    expect(relayLine.requestId).toBe('req-observe-77');
  });

  it('when a client sends no request id, then the one the gateway generates is the one in both request lines and the event', async () => {
    const { response, event } = await createTask('generated id');
    const generated = response.headers.get('x-request-id')!;
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);

    const gatewayLine = await logs.waitFor((r) => r.component === 'gateway' && r.requestId === generated, 'the gateway request line');
    expect(gatewayLine.status).toBe(200);
    const subgraphLine = await logs.waitFor((r) => r.component === 'planning' && r.requestId === generated, 'the subgraph request line');
    expect(subgraphLine.userId).toBe('user-logs');
    expect(event.headers['x-request-id']).toBe(generated);
  });

  it('when a request is refused before any subgraph is called, then its one gateway line still names the request id and the status', async () => {
    const refused = await platform.gql(null, '{ tasks { totalCount } }', undefined, { 'x-request-id': 'req-refused-1' });
    expect(refused.status).toBe(401);
    const line = await logs.waitFor((r) => r.component === 'gateway' && r.requestId === 'req-refused-1', 'the refused request line');
    expect(line).toMatchObject({ status: 401, path: '/graphql' });
    expect(line.userId).toBeUndefined();
    expect(logs.records().filter((r) => r.requestId === 'req-refused-1')).toHaveLength(1);
  });
});
