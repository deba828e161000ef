import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCaller, createTask, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';
import { serviceSettings } from '../../testkit/services.js';
import { TcpProxy } from '../../testkit/tcp-proxy.js';
import { outboxEnvelopes } from '../shadow/shadow-testing.js';
import { aMemoryStore, RETRIEVE, STORE } from './flow-memory-testing.js';

const { redisUrl } = serviceSettings();

describe.runIf(redisUrl)('Flow Memory while Redis is down', () => {
  let app: TestPlanningApp;
  let proxy: TcpProxy;
  beforeAll(async () => {
    const target = new URL(redisUrl!);
    proxy = await new TcpProxy(target.hostname, Number(target.port || 6379)).start();
    const through = new URL(redisUrl!);
    through.hostname = '127.0.0.1';
    through.port = String(proxy.port);
    app = await startTestPlanningApp({ features: { flowMemoryStore: await aMemoryStore(through.toString()) } });
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.stop();
  });

  it('when Redis cannot be reached, then memory answers 503 SERVICE_UNAVAILABLE, writes no event, and tasks keep working; after it is back, memory works again', async () => {
    const caller = aCaller();
    expect((await app.ok(caller, STORE, { input: { userMessage: 'Before the cut' } })).storeFlowMemoryInteraction.interactionsStored).toBe(1);

    proxy.cut();
    for (const [query, variables] of [[STORE, { input: { userMessage: 'During the cut' } }], [RETRIEVE, {}], ['{ flowMemoryInteractions { id } }', {}]] as const) {
      const result = await app.gql(caller, query, variables);
      expect(result.status, query.slice(0, 30)).toBe(503);
      expect(result.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    }
    const task = await createTask(app, caller, { title: 'Planning goes on' });
    expect(task.title).toBe('Planning goes on');
    const { shadowProfile } = await app.ok(caller, '{ shadowProfile { id } }');
    expect(shadowProfile).toBeNull();
    expect((await outboxEnvelopes(app, caller.orgId, 'planning.flow_memory.context_updated')).length).toBe(1);

    proxy.restore();
    await expect.poll(async () => (await app.gql(caller, '{ flowMemoryInteractions { userMessage } }')).data?.flowMemoryInteractions, { timeout: 10_000 }).toEqual([{ userMessage: 'Before the cut' }]);
  });
});
