/**
 * Fault drills against real PostgreSQL, Redis and RabbitMQ, with the roles as child processes and TCP proxies of our
 * own in front of each service (a cut is the proxy dropping every connection and refusing new ones; the shared
 * services are never stopped):
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 \
 *   RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672 DRILL_SOAK_SECONDS=600 npm run drills
 *
 *   a  RabbitMQ cut for 30 s during 1,000 createTask mutations: zero events lost, zero duplicate effects
 *   b  Redis cut: 503 (fail closed) while cut, 200 again after restore without a restart
 *   c  PostgreSQL cut for 5 s under load: clean JSON 5xx answers, no hang, recovery
 *   d  SIGTERM to the gateway under load: no accepted request lost
 *   e  soak at half the measured S2 peak (docs/benchmarks.md) for DRILL_SOAK_SECONDS: RSS and p99 stable
 *
 * Creates its own database, exchanges, queues and Redis key prefix and removes them at the end, even on failure.
 * Prints a table and writes the "Fault drills" section of docs/benchmarks.md. Exits 1 when a drill fails.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, totalmem } from 'node:os';
import amqplib from 'amqplib';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import pg from 'pg';
import { declareTopology } from '../src/platform/messaging/amqp-event-bus.js';
import { suffixedTopology } from '../src/platform/messaging/event-bus.js';
import { TcpProxy } from '../test/testkit/tcp-proxy.js';
import { writeDocSection } from './benchmarks-doc.js';
import { CLI, createRunDatabase, mintToken, RoleProcesses, rssMb, writeGatewayKey } from './roles.js';
import { seedBenchData } from './seed.js';

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const amqpUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const SOAK_SECONDS = Number(process.env.DRILL_SOAK_SECONDS ?? 600);
const MUTATIONS = 1000;
const RABBIT_CUT_MS = 30_000;
const PG_CUT_MS = 5_000;

const QUERY = 'query TaskPage { tasks(first: 20) { edges { node { id title tags project { name } subtaskCount } } } }';
const PAGE_BODY = JSON.stringify({ query: QUERY, operationName: 'TaskPage' });
const createBody = (title: string) =>
  JSON.stringify({ query: 'mutation Create($title: String!) { createTask(input: {title: $title}) { id } }', variables: { title } });

const GATEWAY = 4200;
const SUBGRAPH = 4201;
const WORKER = 4203;
const DRAINING_GATEWAY = 4204;

interface DrillResult {
  drill: string;
  passed: boolean;
  figures: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const roles = new RoleProcesses();
const keepAlive = new Agent({ keepAlive: true, maxSockets: 64 });

interface Answer {
  status: number;
  body: string;
}

/** One POST with a keep-alive agent; rejects with the socket error code when no answer came. */
function post(port: number, path: string, body: string, headers: Record<string, string>, timeoutMs = 15_000, agent: Agent = keepAlive): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers }, timeout: timeoutMs },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}

const errorCode = (error: unknown) => (error as { code?: string }).code ?? (error as Error).message;
const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};
const countBy = (values: (string | number)[]) => {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k}: ${n}`).join(', ') || 'none';
};

/** Runs `work` for each index with at most `concurrency` at a time. */
async function inParallel(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** Polls `probe` every 100 ms until it is true; the milliseconds it took, or undefined after `limitMs`. */
async function msUntil(probe: () => Promise<boolean>, limitMs: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if (await probe().catch(() => false)) return Date.now() - started;
    await sleep(100);
  }
  return undefined;
}

/** The S2 req/s of the last HTTP bench in docs/benchmarks.md (the soak runs at half of it). */
function measuredS2Peak(): number | undefined {
  try {
    const match = /^\| S2 \|[^|]*\| (\d+) \|/m.exec(readFileSync(new URL('../docs/benchmarks.md', import.meta.url), 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

interface Services {
  bearer: Record<string, string>;
  db: pg.Client;
  rabbit: TcpProxy;
  redis: TcpProxy;
  postgres: TcpProxy;
  channel: amqplib.Channel;
  sinkQueue: string;
  gateway: ChildProcess;
  subgraph: ChildProcess;
  startGateway: (port: number) => Promise<ChildProcess>;
}

const pageOk = async (s: Services) => {
  const answer = await post(GATEWAY, '/graphql', PAGE_BODY, s.bearer, 2_000);
  return answer.status === 200 && !answer.body.includes('"errors"');
};

async function rabbitCut(s: Services): Promise<DrillResult> {
  const deliveries = new Map<string, number>();
  const observedTasks = new Set<string>();
  await s.channel.consume(s.sinkQueue, (message) => {
    if (!message) return;
    const id = String(message.properties.messageId);
    deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
    observedTasks.add((JSON.parse(message.content.toString()) as { data: { task_id: string } }).data.task_id);
    s.channel.ack(message);
  });
  s.rabbit.cut();
  const cutAt = Date.now();
  const created: string[] = [];
  const failures: string[] = [];
  await inParallel(MUTATIONS, 10, async (i) => {
    try {
      const answer = await post(GATEWAY, '/graphql', createBody(`drill-a-${i}`), s.bearer);
      const id = (JSON.parse(answer.body) as { data?: { createTask?: { id: string } } }).data?.createTask?.id;
      if (answer.status === 200 && id) created.push(id);
      else failures.push(String(answer.status));
    } catch (error) {
      failures.push(errorCode(error));
    }
  });
  const mutationsMs = Date.now() - cutAt;
  await sleep(Math.max(0, RABBIT_CUT_MS - mutationsMs));
  s.rabbit.restore();
  const drainMs = await msUntil(async () => created.every((id) => observedTasks.has(id)), 120_000);
  await sleep(2_000); // late redeliveries would show up as duplicates
  const lost = created.filter((id) => !observedTasks.has(id)).length;
  const distinctIds = deliveries.size;
  const delivered = [...deliveries.values()].reduce((a, b) => a + b, 0);
  const passed = failures.length === 0 && created.length === MUTATIONS && lost === 0 && distinctIds === MUTATIONS;
  return {
    drill: 'a. RabbitMQ cut 30 s during 1,000 createTask',
    passed,
    figures:
      `${created.length}/${MUTATIONS} mutations answered 200 during the cut (${(mutationsMs / 1000).toFixed(1)} s; failures: ${countBy(failures)}); ` +
      `events lost ${lost}; distinct message ids ${distinctIds}, deliveries ${delivered} (duplicates delivered ${delivered - distinctIds}); ` +
      `all events in ${drainMs === undefined ? 'NOT within 120 s' : `${(drainMs / 1000).toFixed(1)} s`} after restore`,
  };
}

async function redisCut(s: Services): Promise<DrillResult> {
  const before = await pageOk(s);
  s.redis.cut();
  const during: string[] = [];
  const slowest: number[] = [];
  const cutAt = Date.now();
  while (Date.now() - cutAt < 5_000) {
    const started = Date.now();
    try {
      during.push(String((await post(GATEWAY, '/graphql', PAGE_BODY, s.bearer, 5_000)).status));
    } catch (error) {
      during.push(errorCode(error));
    }
    slowest.push(Date.now() - started);
    await sleep(100);
  }
  s.redis.restore();
  const recoveryMs = await msUntil(() => pageOk(s), 60_000);
  const after: boolean[] = [];
  for (let i = 0; i < 10; i++) after.push(await pageOk(s).catch(() => false));
  const passed = before && during.every((status) => status === '503') && recoveryMs !== undefined && after.every(Boolean);
  return {
    drill: 'b. Redis cut 5 s',
    passed,
    figures:
      `while cut: ${countBy(during)} (slowest answer ${Math.max(...slowest)} ms); ` +
      `first 200 ${recoveryMs === undefined ? 'NOT within 60 s' : `${recoveryMs} ms`} after restore, no restart; then ${after.filter(Boolean).length}/10 answered 200`,
  };
}

async function postgresCut(s: Services): Promise<DrillResult> {
  const statuses: number[] = [];
  let nonJsonErrors = 0;
  let graphqlErrorsIn200 = 0;
  const graphqlErrorCodes: string[] = [];
  let restoredAt = Infinity;
  let firstOkAfterRestore: number | undefined;
  const cut = setTimeout(() => s.postgres.cut(), 5_000);
  const restore = setTimeout(() => {
    s.postgres.restore();
    restoredAt = Date.now();
  }, 5_000 + PG_CUT_MS);
  const result = await autocannon({
    url: `http://127.0.0.1:${GATEWAY}/graphql`,
    connections: 20,
    duration: 20,
    timeout: 10,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...s.bearer },
    body: PAGE_BODY,
    requests: [
      {
        onResponse: (status: number, body: string) => {
          statuses.push(status);
          if (status >= 300 && !isJson(body)) nonJsonErrors++;
          if (status === 200 && body.includes('"errors"')) {
            graphqlErrorsIn200++;
            graphqlErrorCodes.push(/"code":"([A-Z_]+)"/.exec(body)?.[1] ?? 'no code');
          }
          if (status === 200 && !body.includes('"errors"') && Date.now() > restoredAt && firstOkAfterRestore === undefined) firstOkAfterRestore = Date.now() - restoredAt;
        },
      },
    ],
  });
  clearTimeout(cut);
  clearTimeout(restore);
  s.postgres.restore();
  const recovered = await pageOk(s);
  const unclean = statuses.filter((status) => status !== 200 && status < 500).length;
  const passed = result.timeouts === 0 && result.errors === 0 && nonJsonErrors === 0 && unclean === 0 && graphqlErrorsIn200 === 0 && recovered;
  return {
    drill: 'c. PostgreSQL cut 5 s under load (20 conn, 20 s)',
    passed,
    figures:
      `answers by status: ${countBy(statuses)}; 200 with GraphQL errors ${graphqlErrorsIn200} (codes: ${countBy(graphqlErrorCodes)}); non-JSON error bodies ${nonJsonErrors}; ` +
      `timeouts ${result.timeouts}, connection errors ${result.errors}; first clean 200 ${firstOkAfterRestore === undefined ? 'not seen in the run' : `${firstOkAfterRestore} ms`} after restore; ` +
      `fresh request afterwards ${recovered ? '200' : 'FAILED'}`,
  };
}

async function sigtermUnderLoad(s: Services): Promise<DrillResult> {
  const gateway = await s.startGateway(DRAINING_GATEWAY);
  const agent = new Agent({ keepAlive: true, maxSockets: 20 });
  const answered = new Map<string, number>();
  const outcomes: string[] = [];
  let sent = 0;
  let stopped = false;
  const exited = new Promise<number | null>((resolve) => gateway.once('exit', (code) => resolve(code)));
  setTimeout(() => gateway.kill('SIGTERM'), 3_000);
  const deadline = Date.now() + 30_000;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (!stopped && Date.now() < deadline) {
        const title = `drill-d-${sent++}`;
        try {
          const answer = await post(DRAINING_GATEWAY, '/graphql', createBody(title), s.bearer, 15_000, agent);
          answered.set(title, answer.status);
          outcomes.push(String(answer.status));
        } catch (error) {
          outcomes.push(errorCode(error));
          // Refused: the listener is closed, the gateway is going away.
          if (errorCode(error) === 'ECONNREFUSED') stopped = true;
        }
      }
    }),
  );
  const exitCode = await exited;
  agent.destroy();
  const committed = (await s.db.query<{ title: string }>(`select title from planning_tasks where title like 'drill-d-%'`)).rows.map((r) => r.title);
  // Lost: its effect committed but its caller never got the answer.
  const lost = committed.filter((title) => answered.get(title) !== 200).length;
  const answered200 = [...answered.values()].filter((status) => status === 200).length;
  const phantom = answered200 - committed.filter((title) => answered.get(title) === 200).length;
  const passed = lost === 0 && phantom === 0 && exitCode === 0;
  return {
    drill: 'd. SIGTERM to the gateway under load (20 conn of createTask)',
    passed,
    figures:
      `${sent} requests: ${countBy(outcomes)} (ECONNREFUSED = refused before accept, ECONNRESET = connection closed unanswered); ` +
      `committed ${committed.length}, answered 200 ${answered200}; accepted but lost ${lost}; 200 without effect ${phantom}; gateway exit code ${exitCode}`,
  };
}

async function soak(s: Services): Promise<DrillResult> {
  const peak = Number(process.env.DRILL_SOAK_RATE ?? 0) * 2 || measuredS2Peak();
  if (!peak) return { drill: 'e. soak', passed: false, figures: 'no S2 figure in docs/benchmarks.md: run npm run bench:http first (or set DRILL_SOAK_RATE)' };
  const rate = Math.max(1, Math.round(peak / 2));
  const windowSeconds = Math.min(60, SOAK_SECONDS);
  const windows = Math.max(1, Math.round(SOAK_SECONDS / windowSeconds));
  const options = {
    url: `http://127.0.0.1:${GATEWAY}/graphql`,
    connections: 10,
    overallRate: rate,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', ...s.bearer },
    body: PAGE_BODY,
  };
  await autocannon({ ...options, duration: 5 });
  const samples: { rps: number; p99: number; rssMb: number; errors: number }[] = [];
  const problems: string[] = [];
  for (let w = 0; w < windows; w++) {
    const result = await autocannon({
      ...options,
      duration: windowSeconds,
      requests: [
        {
          onResponse: (status: number, body: string) => {
            if (status !== 200) problems.push(`HTTP ${status}`);
            else if (body.includes('"errors"')) problems.push(`GraphQL ${/"code":"([A-Z_]+)"/.exec(body)?.[1] ?? 'error'}`);
          },
        },
      ],
    });
    for (let i = 0; i < result.errors; i++) problems.push('connection error');
    for (let i = 0; i < result.timeouts; i++) problems.push('timeout');
    samples.push({
      rps: Math.round(result.requests.average),
      p99: result.latency.p99,
      rssMb: Math.round(rssMb(s.gateway.pid!) + rssMb(s.subgraph.pid!)),
      errors: problems.length,
    });
  }
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const p99Stable = last.p99 <= first.p99 * 1.5 + 5;
  const rssStable = last.rssMb <= first.rssMb * 1.2;
  const errors = problems.length;
  return {
    drill: `e. soak ${SOAK_SECONDS} s at ${rate} req/s (half of S2 ${peak} req/s)`,
    passed: p99Stable && rssStable && errors === 0,
    figures:
      `per ${windowSeconds} s: ${samples.map((x, i) => `#${i + 1} ${x.rps} req/s p99 ${x.p99} ms RSS ${x.rssMb} MB`).join('; ')}; errors ${errors} (${countBy(problems)}); ` +
      `p99 ${p99Stable ? 'stable' : 'NOT stable'} (last <= 1.5 x first + 5 ms), RSS ${rssStable ? 'stable' : 'NOT stable'} (last <= 1.2 x first)`,
  };
}

async function main() {
  const suffix = `drill.${randomBytes(3).toString('hex')}`;
  const redisPrefix = `drill-${randomBytes(3).toString('hex')}:`;
  const topology = suffixedTopology(suffix);
  const database = await createRunDatabase(adminUrl, 'planning_drill');
  const proxies: TcpProxy[] = [];
  let connection: amqplib.ChannelModel | undefined;
  let db: pg.Client | undefined;
  const cleanUp = async () => {
    await roles.stopAll();
    for (const proxy of proxies) await proxy.stop();
    if (connection) {
      const channel = await connection.createChannel();
      for (const q of [topology.queue, topology.deadLetterQueue]) await channel.deleteQueue(q).catch(() => {});
      for (const x of [topology.exchange, topology.deadLetterExchange]) await channel.deleteExchange(x).catch(() => {});
      await connection.close().catch(() => {});
    }
    const redis = new Redis(redisUrl, { lazyConnect: true });
    await redis.connect();
    for await (const keys of redis.scanStream({ match: `${redisPrefix}*`, count: 500 })) if ((keys as string[]).length) await redis.del(...(keys as string[]));
    redis.disconnect();
    await db?.end().catch(() => {});
    await database.drop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`${signal}: cleaning up`);
      void cleanUp().finally(() => process.exit(1));
    });
  }

  const results: DrillResult[] = [];
  try {
    await database.migrate();
    console.log('seeding 20 projects + 20,000 tasks (+ 5 noise orgs) ...');
    await seedBenchData(database.url);
    db = new pg.Client(database.url);
    await db.connect();

    connection = await amqplib.connect(amqpUrl);
    const channel = await connection.createChannel();
    await declareTopology(channel, topology);
    // The drill's own downstream: an exclusive queue (gone with the connection) bound to task creations.
    const { queue: sinkQueue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(sinkQueue, topology.exchange, 'planning.task.created');

    const target = (url: string) => new URL(url.replace(/^\w+:/, 'http:'));
    const proxyFor = async (url: string) => {
      const { hostname, port } = target(url);
      const proxy = await new TcpProxy(hostname, Number(port)).start();
      proxies.push(proxy);
      return proxy;
    };
    const postgres = await proxyFor(adminUrl);
    const redis = await proxyFor(redisUrl);
    const rabbit = await proxyFor(amqpUrl);

    const common = {
      NODE_ENV: 'production',
      DATABASE_URL: postgres.urlFor(database.url),
      PLANNING_CURSOR_SECRET: 'drill-cursor-secret-0123456789',
      AUTH_PRIVATE_KEY_FILE: await writeGatewayKey(),
      PLANNING_HOST: '127.0.0.1',
    };
    const startGateway = (port: number) =>
      roles.start(
        [...CLI, 'gateway'],
        {
          ...common,
          PORT: String(port),
          REDIS_URL: redis.urlFor(redisUrl),
          REDIS_KEY_PREFIX: redisPrefix,
          SUBGRAPH_PLANNING_URL: `http://127.0.0.1:${SUBGRAPH}/graphql`,
          RATE_LIMIT_USER_PER_MIN: '100000000',
          RATE_LIMIT_IP_PER_MIN: '100000000',
        },
        port,
      );
    const subgraph = await roles.start([...CLI, 'subgraph'], { ...common, PLANNING_PORT: String(SUBGRAPH), PLANNING_TRUST_MODE: 'signed' }, SUBGRAPH);
    const gateway = await startGateway(GATEWAY);
    await roles.start(
      [...CLI, 'worker'],
      {
        ...common,
        // The worker reaches PostgreSQL directly: only its RabbitMQ link is cut in drill a.
        DATABASE_URL: database.url,
        WORKER_PORT: String(WORKER),
        RABBITMQ_URL: rabbit.urlFor(amqpUrl),
        EVENTS_EXCHANGE: topology.exchange,
        EVENTS_QUEUE: topology.queue,
        EVENTS_DEAD_LETTER_EXCHANGE: topology.deadLetterExchange,
        EVENTS_DEAD_LETTER_QUEUE: topology.deadLetterQueue,
      },
      WORKER,
    );
    const bearer = { authorization: `Bearer ${await mintToken(common)}` };
    const services: Services = { bearer, db, rabbit, redis, postgres, channel, sinkQueue, gateway, subgraph, startGateway };
    if (!(await pageOk(services))) throw new Error('the gateway does not answer the page query before the drills');

    for (const drill of [rabbitCut, redisCut, postgresCut, sigtermUnderLoad, soak]) {
      console.log(`drill ${drill.name} ...`);
      const result = await drill(services).catch((error: unknown) => ({ drill: drill.name, passed: false, figures: `crashed: ${(error as Error).message}` }));
      console.log(`  ${result.passed ? 'passed' : 'FAILED'}: ${result.figures}`);
      results.push(result);
    }
  } finally {
    await cleanUp();
  }

  const table = [
    '| drill | result | figures |',
    '|---|---|---|',
    ...results.map((r) => `| ${r.drill} | ${r.passed ? 'passed' : '**failed**'} | ${r.figures} |`),
  ].join('\n');
  console.log(`\n${table}`);
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const soakNote = SOAK_SECONDS === 600 ? 'the default 600 s soak' : `\`DRILL_SOAK_SECONDS=${SOAK_SECONDS}\` (shorter than the 600 s default)`;
  writeDocSection(
    'drills',
    `## Fault drills

Measured with \`DRILL_SOAK_SECONDS=${SOAK_SECONDS} npm run drills\` on ${new Date().toISOString().slice(0, 10)}: ${machine}; ${soakNote}. PostgreSQL, Redis and
RabbitMQ on the same machine, each reached through a TCP proxy of the drill (a cut drops every connection and refuses new
ones; the services themselves keep running). Roles as child processes: gateway, planning subgraph (signed mode) and worker
(RabbitMQ through the proxy, its own suffixed exchange and queues; the drill's queue is bound to \`planning.task.created\`).
Data: the bench data set. Drill d sends \`createTask\` with a unique title per request and compares the committed titles with
the answers received; drill e runs at half the S2 figure of the HTTP bench above, in ${Math.min(60, SOAK_SECONDS)} s windows.

${table}`,
  );
  if (results.some((r) => !r.passed)) {
    console.error(`drills failed: ${results.filter((r) => !r.passed).map((r) => r.drill).join('; ')}`);
    process.exit(1);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('drills failed:', error);
    for (const child of roles.children) child.kill('SIGKILL');
    process.exit(1);
  },
);
