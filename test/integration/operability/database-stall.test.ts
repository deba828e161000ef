import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../testkit/event-harness.js';
import { serviceSettings } from '../../testkit/services.js';
import { TcpProxy } from '../../testkit/tcp-proxy.js';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';

const { databaseUrl } = serviceSettings();

/**
 * PostgreSQL that stops answering with its connections open (a frozen server, a network partition): every request is
 * answered as failed within the statement timeout, and none answered so commits afterwards.
 */
describe.runIf(!!databaseUrl)('a stalled PostgreSQL', () => {
  let platform: TestPlatform;
  let proxy: TcpProxy | undefined;
  let databaseName: string;
  beforeAll(async () => {
    platform = await startTestPlatform({
      databaseUrlOverride: async (url) => {
        databaseName = new URL(url).pathname.slice(1);
        const target = new URL(url);
        proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
        return proxy.urlFor(url);
      },
      databaseTimeouts: { statementMs: 1500, acquireMs: 1000 },
      subgraphTimeoutMs: 15_000,
      answerCacheSeconds: 0,
    });
  });
  afterAll(async () => {
    proxy?.resume();
    await platform?.close();
    await proxy?.stop();
  });

  /** Sessions of the test database still running a statement or holding a transaction open (seen past the proxy). */
  async function busySessions(): Promise<number> {
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        `select count(*)::int as busy from pg_stat_activity
         where datname = $1 and pid <> pg_backend_pid() and state in ('active', 'idle in transaction', 'idle in transaction (aborted)')`,
        [databaseName],
      );
      return rows[0].busy;
    } finally {
      await admin.end();
    }
  }

  it('when it stalls under writes, then each is answered 503 with Retry-After before the gateway gives up, and none commits after it resumes', async () => {
    const token = await platform.mintToken({ roles: ['member'] });
    const before = await platform.gql(token, 'mutation { createTask(input: {title: "before"}) { id } }');
    expect(before.body.data.createTask.id).toEqual(expect.any(String));

    proxy!.stall();
    let answers;
    try {
      answers = await Promise.all([1, 2, 3].map((i) => platform.gql(token, `mutation { createTasks(inputs: [{title: "during ${i}"}]) { id } }`)));
    } finally {
      proxy!.resume();
    }
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(answer.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    }

    // What was held in the stall reaches the server now; once no session of the app is busy, it has all played out.
    await waitUntil(async () => (await busySessions()) === 0, 20_000, 'the held statements to play out');
    await expect
      .poll(async () => (await platform.gql(token, 'mutation { createTask(input: {title: "after"}) { id } }')).status, { timeout: 15_000 })
      .toBe(200);
    const titles = await platform.gql(token, '{ tasks(first: 100) { edges { node { title } } } }');
    expect(titles.body.data.tasks.edges.map((e: { node: { title: string } }) => e.node.title).sort()).toEqual(['after', 'before']);
  });
});
