import { PLANNING_ENTITIES } from '../../../src/modules/planning-entities.js';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/platform/db/database.js';
import { generatePrivateKeyPem, loadKeyRing } from '../../../src/platform/identity/signing-keys.js';
import { TokenIssuer } from '../../../src/platform/identity/token-issuer.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { serviceSettings } from '../../testkit/services.js';
import { createTestDatabase, type TestDatabase } from '../../testkit/test-database.js';
import { CliChild, freePort, startRoleEnvironment } from './cli-child.js';

const { databaseUrl, redisUrl, rabbitmqUrl } = serviceSettings();
const CREATE_TASK = 'mutation Create($input: CreateTaskInput!) { createTask(input: $input) { id title } }';

type Outcome = { kind: 'answered'; status: number; title: string; at: number; body?: string } | { kind: 'refused'; error: string; title: string };

/** One POST on a connection of its own (no pooling), so a refusal is a connection error, never a reused socket. */
function post(url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Waits until the server at `origin` counts at least `count` requests in flight besides the scrape asking
 * (`http_requests_in_flight` on its `/metrics`): they have reached their handlers.
 */
async function untilInFlight(origin: string, count: number): Promise<void> {
  await expect
    .poll(
      async () => {
        const text = await (await fetch(`${origin}/metrics`)).text();
        return Number(/^http_requests_in_flight(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0) - 1;
      },
      { timeout: 15_000, interval: 50 },
    )
    .toBeGreaterThanOrEqual(count);
}

/** Titles of the tasks in the database the child used (its own embedded one, or the test database). */
async function taskTitlesIn(database: { url?: string; dataDir: string }): Promise<string[]> {
  const opened = await openDatabase({ entities: PLANNING_ENTITIES, databaseUrl: database.url, poolMax: 1, dataDir: database.dataDir, logger: createLogger('silent'), migrate: false });
  try {
    const rows: Array<{ title: string }> = await opened.orm.em.fork().execute('select title from planning_tasks');
    return rows.map((row) => row.title);
  } finally {
    await opened.close();
  }
}

describe('graceful shutdown of the real CLI', () => {
  let child: CliChild | undefined;
  let dataDir: string | undefined;
  let testDatabase: TestDatabase | undefined;

  afterEach(async () => {
    await child?.kill();
    child = undefined;
    await testDatabase?.drop();
    testDatabase = undefined;
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** `start` on its own ports, on the shared services when they are set (own database, key prefix and queues). */
  async function startEverything(extraEnv: Record<string, string> = {}) {
    dataDir = await mkdtemp(join(tmpdir(), 'shutdown-'));
    // A database on the shared server when there is one; else the child's own embedded PGlite in dataDir.
    if (databaseUrl) testDatabase = await createTestDatabase();
    const { port, planningPort, env } = await startRoleEnvironment(dataDir);
    const privateKey = generatePrivateKeyPem();
    const suffix = randomBytes(4).toString('hex');
    child = new CliChild(['start'], {
      ...env,
      AUTH_PRIVATE_KEY: privateKey,
      RATE_LIMIT_USER_PER_MIN: '0',
      RATE_LIMIT_IP_PER_MIN: '0',
      ...(testDatabase ? { DATABASE_URL: testDatabase.url } : {}),
      ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `test:${suffix}:` } : {}),
      ...(rabbitmqUrl
        ? {
            RABBITMQ_URL: rabbitmqUrl,
            EVENTS_EXCHANGE: `platform.events.${suffix}`,
            EVENTS_QUEUE: `planning.events.${suffix}`,
            EVENTS_DEAD_LETTER_EXCHANGE: `platform.events.dlx.${suffix}`,
            EVENTS_DEAD_LETTER_QUEUE: `planning.events.dead.${suffix}`,
          }
        : {}),
      ...extraEnv,
    });
    await child.waitForStderr('is ready');
    const keys = await loadKeyRing({ privateKey });
    const { token } = await new TokenIssuer(keys.current, 'focus-kraliki', 'ocelot-platform').issue({
      sub: 'user-shutdown',
      orgId: 'org-shutdown',
      roles: ['member'],
      ttlSeconds: 900,
    });
    return { origin: `http://127.0.0.1:${port}`, planningOrigin: `http://127.0.0.1:${planningPort}`, token, child };
  }

  it('when SIGTERM arrives during a burst of createTask requests, then every accepted request completes, its task exists, and the process exits 0', async () => {
    const { origin, token, child } = await startEverything({ SHUTDOWN_TIMEOUT_MS: '20000' });
    // An idle keep-alive connection must not hold the shutdown up to the timeout.
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    await new Promise<void>((resolve, reject) => request(`${origin}/health`, { agent: keepAlive }, (res) => res.resume().on('end', resolve)).on('error', reject).end());

    const burst = `burst-${randomBytes(4).toString('hex')}`;
    let signalledAt = 0;
    let answered = 0;
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, async (_, i): Promise<Outcome> => {
        const title = `${burst}-${i}`;
        try {
          const { status, text } = await post(`${origin}/graphql`, { query: CREATE_TASK, variables: { input: { title } } }, { authorization: `Bearer ${token}` });
          // SIGTERM after a few answers: the rest of the burst is in flight or not yet connected.
          if (++answered === 5) {
            signalledAt = Date.now();
            child.signal('SIGTERM');
          }
          // The body of an answer other than 200 goes into the failure message.
          return { kind: 'answered', status, title, at: Date.now(), ...(status === 200 ? {} : { body: text }) };
        } catch (error) {
          return { kind: 'refused', error: (error as NodeJS.ErrnoException).code ?? String(error), title };
        }
      }),
    );
    const exit = await child.exited;
    keepAlive.destroy();

    expect(signalledAt).toBeGreaterThan(0);
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(15_000);
    const answers = outcomes.filter((o) => o.kind === 'answered');
    expect(answers.filter((o) => o.status !== 200)).toEqual([]);
    // Requests in flight when the signal came were finished, not dropped.
    expect(answers.filter((o) => o.at > signalledAt).length).toBeGreaterThan(0);
    const refusals = outcomes.filter((o) => o.kind === 'refused');
    for (const refusal of refusals) expect(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']).toContain(refusal.error);

    const titles = new Set((await taskTitlesIn({ url: testDatabase?.url, dataDir: dataDir! })).filter((t) => t.startsWith(burst)));
    // Every 200 has its task, and no refused request left one behind (none was accepted and then cut off).
    expect([...titles].sort()).toEqual(answers.map((o) => o.title).sort());
    expect(child.stdout).toContain('"msg":"stopped"');
  }, 120_000);

  // Needs a second session on the child's database to hold a lock: the shared PostgreSQL, not the child's PGlite.
  it.runIf(!!databaseUrl)(
    'when the clients of two createTask requests went away before their answers and SIGTERM arrives, then both tasks are still committed, nothing is logged as an error and the process exits 0',
    async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'shutdown-'));
      testDatabase = await createTestDatabase();
      const planningPort = await freePort();
      // One pooled connection: the first create holds it (waiting on the lock below), the second waits for the pool.
      child = new CliChild(['subgraph'], {
        PLANNING_PORT: String(planningPort),
        PLANNING_TRUST_MODE: 'headers',
        PLANNING_DATA_DIR: dataDir,
        DATABASE_URL: testDatabase.url,
        DATABASE_POOL_MAX: '1',
        SHUTDOWN_TIMEOUT_MS: '20000',
        // The two requests wait (on the lock, for the pool) as long as the test holds them, not the default bounds.
        DATABASE_STATEMENT_TIMEOUT_MS: '60000',
        DATABASE_ACQUIRE_TIMEOUT_MS: '60000',
      });
      await child.waitForStderr('is ready');
      const blocker = new pg.Client({ connectionString: testDatabase.url });
      await blocker.connect();
      try {
        await blocker.query('begin');
        await blocker.query('lock table planning_tasks in exclusive mode');
        const titles = ['abandoned-1', 'abandoned-2'];
        const clients = titles.map((title) => {
          const payload = JSON.stringify({ query: CREATE_TASK, variables: { input: { title } } });
          const req = request(`http://127.0.0.1:${planningPort}/graphql`, {
            method: 'POST',
            agent: false,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-user-id': 'u1', 'x-org-id': 'o1', 'x-roles': 'member' },
          });
          req.on('error', () => {});
          req.end(payload);
          return req;
        });
        // The first insert waits on the lock, the second for the pool: both are in their handlers.
        await expect
          .poll(async () => (await blocker.query("select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'")).rows[0].n, { timeout: 15_000, interval: 50 })
          .toBeGreaterThan(0);
        // Both are in their handlers (the pool of one is held: /metrics would wait for it, /health does not).
        const running = async () => ((await (await fetch(`http://127.0.0.1:${planningPort}/health`)).json()) as { requestsInFlight: number }).requestsInFlight;
        await expect.poll(running, { timeout: 15_000, interval: 50 }).toBe(2);
        for (const req of clients) req.destroy();

        child.signal('SIGTERM');
        await child.waitForStdout('shutting down');
        // Both requests still run: the process waits for them rather than closing the pool under them.
        expect(child.process.exitCode).toBeNull();
        await blocker.query('commit');
        const exit = await child.exited;

        expect(exit.code).toBe(0);
        expect(child.stdout).not.toMatch(/"level":50/);
        const { rows } = await blocker.query('select title from planning_tasks order by title');
        expect(rows.map((row: { title: string }) => row.title)).toEqual(titles);
        const outbox = await blocker.query("select count(*)::int as n from planning_outbox where event_type = 'planning.task.created'");
        expect(outbox.rows[0].n).toBe(2);
      } finally {
        await blocker.end();
      }
    },
    120_000,
  );

  it('when requests hang in the gateway and in the subgraph at SIGTERM, then both servers stop at the one shutdown deadline and the process exits 0', async () => {
    // 6 s each: were the subgraph to drain for its own 6 s after the gateway's, the process would pass the hard
    // exit at 6 + 5 s and exit 1 ("shutdown did not finish in time").
    const { origin, planningOrigin, token, child } = await startEverything({ SHUTDOWN_TIMEOUT_MS: '6000' });
    const hang = (url: string, headers: Record<string, string>) => {
      // A body that never finishes: its handler runs until the server cuts the connection.
      const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': '1000', ...headers } });
      req.on('error', () => {});
      req.write('{"query": "{ tasks { totalCount } }"');
      return req;
    };
    const hanging = [
      hang(`${origin}/graphql`, { authorization: `Bearer ${token}` }),
      hang(`${planningOrigin}/graphql`, { 'x-user-id': 'u1', 'x-org-id': 'o1', 'x-roles': 'member' }),
    ];
    await untilInFlight(origin, 1);
    await untilInFlight(planningOrigin, 1);
    child.signal('SIGTERM');
    const exit = await child.exited;
    for (const req of hanging) req.destroy();

    expect(child.stdout).not.toContain('shutdown did not finish in time');
    expect(child.stdout).toContain('"msg":"stopped"');
    expect(exit.code).toBe(0);
  }, 60_000);

  it('when a second SIGTERM arrives while the first shutdown waits for a request, then the process exits at once with a non-zero code', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'shutdown-'));
    if (databaseUrl) testDatabase = await createTestDatabase();
    const planningPort = await freePort();
    child = new CliChild(['subgraph'], {
      PLANNING_PORT: String(planningPort),
      PLANNING_TRUST_MODE: 'headers',
      PLANNING_DATA_DIR: dataDir,
      SHUTDOWN_TIMEOUT_MS: '30000',
      ...(testDatabase ? { DATABASE_URL: testDatabase.url } : {}),
    });
    await child.waitForStderr('is ready');
    // A request whose body never finishes: the graceful shutdown would wait for it up to SHUTDOWN_TIMEOUT_MS.
    const stuck = request(`http://127.0.0.1:${planningPort}/graphql`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': '1000', 'x-user-id': 'u1', 'x-org-id': 'o1', 'x-roles': 'member' },
    });
    stuck.on('error', () => {});
    stuck.write('{"query": "{ tasks { totalCount } }"');
    await untilInFlight(`http://127.0.0.1:${planningPort}`, 1);

    child.signal('SIGTERM');
    await child.waitForStdout('shutting down');
    expect(child.process.exitCode).toBeNull();
    const secondAt = Date.now();
    child.signal('SIGTERM');
    const exit = await child.exited;
    stuck.destroy();

    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(exit.at - secondAt).toBeLessThan(3000);
    expect(child.stdout).toContain('second signal');
  }, 120_000);
});
