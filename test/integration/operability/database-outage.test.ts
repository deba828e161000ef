import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../testkit/event-harness.js';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';
import { TcpProxy } from '../../testkit/tcp-proxy.js';

describe('PostgreSQL unreachable', () => {
  let platform: TestPlatform;
  let proxy: TcpProxy;
  let token: string;
  beforeAll(async () => {
    platform = await startTestPlatform({
      databaseUrlOverride: async (url) => {
        const target = new URL(url);
        proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
        return proxy.urlFor(url);
      },
    });
    token = await platform.mintToken({ roles: ['member'] });
  });
  afterAll(async () => {
    proxy?.restore();
    await platform?.close();
    await proxy?.stop();
  });

  const listTasks = () => platform.gql(token, '{ tasks(first: 5) { totalCount } }');

  it('when the database is cut, then GraphQL and REST answer a clean 503 without internals, and recover once it is back', async () => {
    expect((await listTasks()).status).toBe(200);
    proxy.cut();
    try {
      const graphql = await listTasks();
      expect(graphql.status).toBe(503);
      expect(graphql.headers.get('retry-after')).toBe('5');
      expect(graphql.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(JSON.stringify(graphql.body)).not.toMatch(/ECONN|stacktrace|127\.0\.0\.1|Connection terminated/);

      const rest = await fetch(`${platform.gateway.origin}/api/planning/tasks?limit=5`, { headers: { authorization: `Bearer ${token}` } });
      expect(rest.status).toBe(503);
      expect(typeof ((await rest.json()) as { detail?: unknown }).detail).toBe('string');
    } finally {
      proxy.restore();
    }
    await waitUntil(async () => (await listTasks()).status === 200, 15_000, 'recovery after the database is back');
    expect((await listTasks()).body.data.tasks.totalCount).toBe(0);
  }, 60_000);
});
