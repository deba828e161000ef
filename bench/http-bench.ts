/**
 * HTTP bench: the same 20-task page query measured at each layer, in one run, each scenario after a warm-up, with
 * autocannon at fixed concurrency. Runs against real PostgreSQL, Redis and RabbitMQ (URLs from the environment; the
 * comms example hears the calls S3 reads on RabbitMQ):
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 \
 *     RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672 npm run bench:http
 *
 *   S0  bare node:http server, fixed JSON body (the machine's ceiling)
 *   S0q bare node:http server running S1's page statement with pg alone (the floor of an HTTP request + one query)
 *   S1  the planning subgraph directly (headers trust mode)
 *   S1s the planning subgraph directly in signed mode, with a context signed as our gateway signs it
 *   S2  the same query through our gateway: real token, revocation, rate limit, signed context all on
 *   S2nd S2 with the gateway's sharing of identical in-flight reads off (GATEWAY_SHARED_READS=off), to compare with S7nd
 *   S2c S2 with the gateway's answer cache on (GATEWAY_CACHE_SECONDS=60; exact invalidation, see docs/gateway.md)
 *   S3  a query spanning planning and the comms example subgraph, through our gateway (one call reported per task)
 *   S4  GET /api/planning/tasks?limit=20 through the REST shim of our gateway (same token)
 *   S5  createTask mutations through our gateway (the write path, outbox row included)
 *   S6  a stock @apollo/gateway (default settings) in front of the same subgraph
 *   S7  @graphql-hive/gateway (default settings, caller headers propagated) in front of the same subgraph
 *   S7nd S7 with its sharing of identical in-flight subgraph fetches off (`deduplicateInflightRequests: false`)
 *   S2cz S2c with `Accept-Encoding: gzip, deflate, br` as browsers send it (answers gzipped): the cost and gain of compression
 *   S2w S2c while createTask mutations run alongside in the same org at BENCH_WRITES_PER_SECOND (default 20): every
 *       write changes the org's data version, so the cache is measured with its invalidation at work
 *
 * Every scenario runs BENCH_ROUNDS times (default 3), in turn; the figures are medians over the rounds. The roles
 * listen on BENCH_PORT_BASE (default 4100) and the next nine ports.
 * Non-2xx answers or GraphQL errors make the bench fail. Writes docs/benchmarks.md.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { gunzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { writeDocSection } from './benchmarks-doc.js';
import { reportOneCallPerTask } from './comms-calls.js';
import { cpuSeconds, pidsNamed } from './process-cpu.js';
import { CLI, createRunDatabase, mintToken, RoleProcesses, rssMb, writeGatewayKey } from './roles.js';
import { seedBenchData } from './seed.js';
import { loadConfig } from '../src/config/config.js';
import { requestBodyHash, signPlatformContext } from '../src/platform/identity/platform-context.js';
import { loadKeyRing } from '../src/platform/identity/signing-keys.js';

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const rabbitmqUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
/** Every scenario is measured this many times, in turn, so slow drift of a shared machine hits all of them alike. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** S2w's rate of writes alongside the reads. */
const WRITES_PER_SECOND = Number(process.env.BENCH_WRITES_PER_SECOND ?? 20);
/** The roles listen on this port and the next ones (`BENCH_PORT_BASE`, default 4100). */
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 4100);
const METRICS_TOKEN = 'bench-metrics-token-0123456789';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** One scenario's rounds as one result: medians, the highest peak RSS, all errors. */
function medianOf(results: Result[]): Result {
  const of = (field: 'rps' | 'p50' | 'p99' | 'cpuMsPerRequest' | 'postgresCpuMsPerRequest' | 'redisCpuMsPerRequest') => median(results.map((r) => r[field]));
  return {
    name: results[0]!.name,
    what: results[0]!.what,
    rps: of('rps'),
    p50: of('p50'),
    p99: of('p99'),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    peakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
    cpuMsPerRequest: of('cpuMsPerRequest'),
    postgresCpuMsPerRequest: of('postgresCpuMsPerRequest'),
    redisCpuMsPerRequest: of('redisCpuMsPerRequest'),
    cpuMsPerRequestByRole: Object.fromEntries(
      Object.keys(results[0]!.cpuMsPerRequestByRole).map((role) => [role, median(results.map((r) => r.cpuMsPerRequestByRole[role] ?? 0))]),
    ),
    ...(results[0]!.detail ? { detail: results.map((r, i) => `round ${i + 1}: ${r.detail}`).join('; ') } : {}),
  };
}

const QUERY = 'query TaskPage { tasks(first: 20) { edges { node { id title tags project { name } subtaskCount } } } }';
const BODY = JSON.stringify({ query: QUERY, operationName: 'TaskPage' });
const SPANNING_QUERY = 'query TaskCallbacks { tasks(first: 20) { edges { node { id title callbacks { id phone } } } } }';
/** Creates are not idempotent without a key, so one fixed body makes a new task every time. */
const CREATE_MUTATION = 'mutation CreateTask { createTask(input: {title: "Bench task", priority: HIGH, tags: ["bench"]}) { id version } }';

interface Scenario {
  name: string;
  what: string;
  url: string;
  /** A function makes headers that expire (a signed context): see run(). */
  headers: Record<string, string> | (() => Record<string, string>);
  body?: string;
  method?: 'GET' | 'POST';
  /** Processes whose memory counts for this scenario. */
  pids: () => number[];
  /** Changes the data the reads measure: its rounds run after theirs. */
  writes?: boolean;
  /** Requests sent alongside at a fixed rate (a second load generator); they must all succeed too. */
  alongside?: { url: string; headers: Record<string, string>; body: string; perSecond: number };
  /** A gateway's `/metrics`: the run reports how its answer-cache lookups went. */
  cacheMetricsUrl?: string;
  /** Answers arrive compressed: decoded before they are checked for GraphQL errors. */
  decode?: (body: Buffer) => Buffer;
  /** The run reports the bytes per answer (status line and headers included). */
  reportBytes?: boolean;
}

interface Result {
  name: string;
  what: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  peakRssMb: number;
  /** CPU time per request of the scenario's own processes, of PostgreSQL (all its processes) and of Redis, in ms. */
  cpuMsPerRequest: number;
  postgresCpuMsPerRequest: number;
  redisCpuMsPerRequest: number;
  /** CPU ms per request of each Node process serving the scenario, by its role name. */
  cpuMsPerRequestByRole: Record<string, number>;
  /** What else the run measured (the requests alongside, the cache's lookups). */
  detail?: string;
}

const roles = new RoleProcesses();
/** The role each child process plays, for the CPU split by process. */
const roleNames = new Map<number, string>();

async function run(scenario: Scenario): Promise<Result> {
  const dynamic = typeof scenario.headers === 'function' ? scenario.headers : undefined;
  const optionsWith = (headers: Record<string, string>) => ({
    url: scenario.url,
    connections: CONNECTIONS,
    method: scenario.method ?? 'POST',
    headers: scenario.method === 'GET' ? headers : { 'content-type': 'application/json', ...headers },
    body: scenario.method === 'GET' ? undefined : (scenario.body ?? BODY),
  });
  // Expiring headers (a signed context lives 60 s) are made again for the warm-up and for the measured run; a run
  // longer than 45 s also makes them again every 20 s, per request, which costs the load generator some CPU.
  const optionsFor = (seconds: number) => {
    if (!dynamic) return optionsWith(scenario.headers as Record<string, string>);
    if (seconds <= 45) return optionsWith(dynamic());
    const fresh = refreshing(dynamic, 20_000);
    return { ...optionsWith(fresh()), requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, headers: { ...request.headers, ...fresh() } }) }] };
  };
  const alongside = (seconds: number) =>
    scenario.alongside &&
    autocannon({
      url: scenario.alongside.url,
      connections: 2,
      overallRate: scenario.alongside.perSecond,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...scenario.alongside.headers },
      body: scenario.alongside.body,
      duration: seconds,
      setupClient: (client) => client.on('body', (body: Buffer) => body.includes('"errors"') && alongsideErrors++),
    });
  let alongsideErrors = 0;
  await Promise.all([autocannon({ ...optionsFor(WARMUP), duration: WARMUP }), alongside(WARMUP)]);
  alongsideErrors = 0;
  const lookupsBefore = scenario.cacheMetricsUrl ? await cacheLookups(scenario.cacheMetricsUrl) : undefined;
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, scenario.pids().reduce((sum, pid) => sum + rssMb(pid), 0));
  }, 200);
  let graphqlErrors = 0;
  const cpuBefore = new Map(scenario.pids().map((pid) => [pid, cpuSeconds(pid)]));
  const serversBefore = new Map([...pidsNamed('postgres'), ...pidsNamed('redis-server')].map((pid) => [pid, cpuSeconds(pid)]));
  const [result, alongsideResult] = await Promise.all([
    autocannon({
      ...optionsFor(DURATION),
      duration: DURATION,
      setupClient: (client) => {
        client.on('body', (body: Buffer) => {
          let text = body;
          try {
            text = scenario.decode ? scenario.decode(body) : body;
          } catch {
            // Not decodable (cut short): counted as an error.
            graphqlErrors++;
            return;
          }
          if (text.includes('"errors"')) graphqlErrors++;
        });
      },
    }),
    alongside(DURATION),
  ]);
  clearInterval(sampler);
  const details: string[] = [];
  if (alongsideResult) {
    const failed = alongsideResult.errors + alongsideResult.timeouts + alongsideResult.non2xx + alongsideErrors;
    graphqlErrors += failed;
    details.push(`${alongsideResult.requests.total} writes alongside (${Math.round(alongsideResult.requests.average)}/s, p99 ${alongsideResult.latency.p99} ms, ${failed} failed)`);
  }
  if (scenario.reportBytes) details.push(`${Math.round(result.throughput.total / Math.max(1, result.requests.total))} bytes per answer`);
  if (lookupsBefore) {
    const after = await cacheLookups(scenario.cacheMetricsUrl!);
    const counts = Object.fromEntries(Object.entries(after).map(([outcome, n]) => [outcome, n - (lookupsBefore[outcome] ?? 0)]));
    const all = Math.max(1, Object.values(counts).reduce((sum, n) => sum + n, 0));
    details.push(`cache lookups: ${Object.entries(counts).map(([outcome, n]) => `${outcome} ${n} (${((100 * n) / all).toFixed(1)} %)`).join(', ')}`);
  }
  const cpuByPid = new Map(scenario.pids().map((pid) => [pid, cpuSeconds(pid) - (cpuBefore.get(pid) ?? 0)]));
  const cpu = [...cpuByPid.values()].reduce((sum, seconds) => sum + seconds, 0);
  const serverCpu = (command: string) => pidsNamed(command).reduce((sum, pid) => sum + cpuSeconds(pid) - (serversBefore.get(pid) ?? 0), 0);
  const postgresCpu = serverCpu('postgres');
  const redisCpu = serverCpu('redis-server');
  const requests = Math.max(1, result.requests.total);
  return {
    name: scenario.name,
    what: scenario.what,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + graphqlErrors,
    non2xx: result.non2xx,
    peakRssMb: Math.round(peak),
    cpuMsPerRequest: (cpu * 1000) / requests,
    postgresCpuMsPerRequest: (postgresCpu * 1000) / requests,
    redisCpuMsPerRequest: (redisCpu * 1000) / requests,
    cpuMsPerRequestByRole: Object.fromEntries([...cpuByPid].map(([pid, seconds]) => [roleNames.get(pid) ?? String(pid), (seconds * 1000) / requests])),
    ...(details.length ? { detail: details.join(', ') } : {}),
  };
}

/** A gateway's answer-cache lookups so far, by outcome (`hit`, `shared`, `miss`, `error`). */
async function cacheLookups(metricsUrl: string): Promise<Record<string, number>> {
  const response = await fetch(metricsUrl, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  if (!response.ok) throw new Error(`${metricsUrl} answered ${response.status}: ${await response.text()}`);
  const text = await response.text();
  const counts: Record<string, number> = { hit: 0, shared: 0, miss: 0, error: 0 };
  for (const match of text.matchAll(/^gateway_subgraph_cache_lookups_total\{[^}]*outcome="(\w+)"[^}]*\} (\d+)/gm)) {
    counts[match[1]!] = (counts[match[1]!] ?? 0) + Number(match[2]);
  }
  return counts;
}

/** `make`'s value, made again once it is older than `maxAgeMs`. */
function refreshing<T>(make: () => T, maxAgeMs: number): () => T {
  let value = make();
  let madeAt = Date.now();
  return () => {
    if (Date.now() - madeAt > maxAgeMs) {
      value = make();
      madeAt = Date.now();
    }
    return value;
  };
}

async function main() {
  const database = await createRunDatabase(adminUrl, 'planning_bench');
  /** Each scenario's result per round, in round order. */
  const rounds = new Map<string, Result[]>();
  const results: Result[] = [];
  let deleteCallsExchange = async () => {};
  try {
    await database.migrate();
    console.log('seeding 20 projects + 20,000 tasks (+ 5 noise orgs) ...');
    await seedBenchData(database.url);

    const common = {
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      PLANNING_CURSOR_SECRET: 'bench-cursor-secret-0123456789',
      // In production the gateway serves /metrics only to a scraper holding this token (the S2w cache lookups).
      METRICS_TOKEN,
      AUTH_PRIVATE_KEY_FILE: await writeGatewayKey(),
    };
    const bare = await roles.start(['bench/servers/bare-server.ts'], { PORT: String(PORT_BASE) }, PORT_BASE);
    const bareSql = await roles.start(['bench/servers/bare-sql-server.ts'], { PORT: String(PORT_BASE + 10), DATABASE_URL: database.url }, PORT_BASE + 10);
    // The planning subgraph announces its changes in the Redis store the gateways read (answer cache of S2c).
    const redisKeyPrefix = `bench-${randomBytes(3).toString('hex')}:`;
    const shared = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: redisKeyPrefix };
    const signedSubgraph = await roles.start([...CLI, 'subgraph'], { ...common, ...shared, PLANNING_PORT: `${PORT_BASE + 1}`, PLANNING_TRUST_MODE: 'signed' }, PORT_BASE + 1);
    const headersSubgraph = await roles.start([...CLI, 'subgraph'], { ...common, PLANNING_PORT: `${PORT_BASE + 2}`, PLANNING_TRUST_MODE: 'headers' }, PORT_BASE + 2);
    const callsExchange = `platform.events.bench.${randomBytes(3).toString('hex')}`;
    const comms = await roles.start(
      ['src/examples/comms/main.ts'],
      { COMMS_PORT: `${PORT_BASE + 5}`, COMMS_HOST: '127.0.0.1', COMMS_CONTEXT_JWKS_URL: `http://127.0.0.1:${PORT_BASE + 3}/.well-known/jwks.json`, RABBITMQ_URL: rabbitmqUrl, EVENTS_EXCHANGE: callsExchange },
      PORT_BASE + 5,
    );
    const gatewayEnv = {
      ...common,
      ...shared,
      SUBGRAPH_PLANNING_URL: `http://127.0.0.1:${PORT_BASE + 1}/graphql`,
      SUBGRAPH_COMMS_URL: `http://127.0.0.1:${PORT_BASE + 5}/graphql`,
      RATE_LIMIT_USER_PER_MIN: '100000000',
      RATE_LIMIT_IP_PER_MIN: '100000000',
    };
    const gateway = await roles.start([...CLI, 'gateway'], { ...gatewayEnv, PORT: `${PORT_BASE + 3}` }, PORT_BASE + 3);
    const unsharedGateway = await roles.start([...CLI, 'gateway'], { ...gatewayEnv, PORT: `${PORT_BASE + 9}`, GATEWAY_SHARED_READS: 'off' }, PORT_BASE + 9);
    const cachingGateway = await roles.start([...CLI, 'gateway'], { ...gatewayEnv, PORT: `${PORT_BASE + 6}`, GATEWAY_CACHE_SECONDS: '60' }, PORT_BASE + 6);
    const stock = await roles.start(['bench/servers/stock-gateway.ts'], { PORT: `${PORT_BASE + 4}`, SUBGRAPH_PLANNING_URL: `http://127.0.0.1:${PORT_BASE + 2}/graphql` }, PORT_BASE + 4);
    const hive = await roles.start(['bench/servers/hive-gateway.ts'], { PORT: `${PORT_BASE + 7}`, SUBGRAPH_PLANNING_URL: `http://127.0.0.1:${PORT_BASE + 2}/graphql` }, PORT_BASE + 7);
    const hiveNoDedupe = await roles.start(['bench/servers/hive-gateway.ts'], { PORT: `${PORT_BASE + 8}`, SUBGRAPH_PLANNING_URL: `http://127.0.0.1:${PORT_BASE + 2}/graphql`, HIVE_DEDUPLICATE_INFLIGHT: 'false' }, PORT_BASE + 8);
    for (const [child, name] of [
      [bare, 'bare server'],
      [bareSql, 'bare server + pg'],
      [signedSubgraph, 'planning (signed)'],
      [headersSubgraph, 'planning (headers)'],
      [comms, 'comms'],
      [gateway, 'our gateway'],
      [cachingGateway, 'our caching gateway'],
      [unsharedGateway, 'our gateway (no shared reads)'],
      [stock, 'stock gateway'],
      [hive, 'hive gateway'],
      [hiveNoDedupe, 'hive gateway (no dedupe)'],
    ] as const) roleNames.set(child.pid!, name);

    const caller = { 'x-user-id': 'bench-user', 'x-org-id': 'bench', 'x-roles': 'member' };
    const token = await mintToken(common);
    const contextKey = (await loadKeyRing({ privateKeyFile: common.AUTH_PRIVATE_KEY_FILE })).current;
    // What our gateway sends the subgraph for S1's query, signed here (a context lives 60 s: one per round).
    const signedContext = () => ({
      ...caller,
      'x-request-id': 'bench-signed',
      'x-platform-context': signPlatformContext(contextKey, loadConfig({ ...process.env, ...common }).auth.issuer, {
        caller: { userId: 'bench-user', orgId: 'bench', roles: ['member'] },
        requestId: 'bench-signed',
        audience: 'planning',
        bodyHash: requestBodyHash(QUERY, undefined),
      }),
    });
    const bearer = { authorization: `Bearer ${token}` };
    deleteCallsExchange = await reportOneCallPerTask({ rabbitmqUrl, exchange: callsExchange, gatewayUrl: `http://127.0.0.1:${PORT_BASE + 3}/graphql`, token, query: SPANNING_QUERY });
    const pid = (child: ChildProcess) => () => [child.pid!];
    const ours = () => [gateway.pid!, signedSubgraph.pid!];
    const scenarios: Scenario[] = [
      { name: 'S0', what: 'bare node:http, fixed JSON', url: `http://127.0.0.1:${PORT_BASE}/`, headers: {}, pids: pid(bare) },
      { name: 'S0q', what: 'bare node:http + pg: the page statement alone, rows to JSON', url: `http://127.0.0.1:${PORT_BASE + 10}/`, headers: {}, pids: pid(bareSql) },
      { name: 'S1', what: 'planning subgraph directly', url: `http://127.0.0.1:${PORT_BASE + 2}/graphql`, headers: caller, pids: pid(headersSubgraph) },
      {
        name: 'S1s',
        what: 'planning subgraph directly, signed mode (contexts signed as our gateway signs them)',
        url: `http://127.0.0.1:${PORT_BASE + 1}/graphql`,
        headers: signedContext,
        pids: pid(signedSubgraph),
      },
      { name: 'S2', what: 'our gateway (auth, revocation, rate limit, signed context)', url: `http://127.0.0.1:${PORT_BASE + 3}/graphql`, headers: bearer, pids: ours },
      {
        name: 'S2nd',
        what: 'S2 with its sharing of identical in-flight reads off (`GATEWAY_SHARED_READS=off`)',
        url: `http://127.0.0.1:${PORT_BASE + 9}/graphql`,
        headers: bearer,
        pids: () => [unsharedGateway.pid!, signedSubgraph.pid!],
      },
      {
        name: 'S2c',
        what: 'S2 with the answer cache on (`GATEWAY_CACHE_SECONDS=60`)',
        url: `http://127.0.0.1:${PORT_BASE + 6}/graphql`,
        headers: bearer,
        reportBytes: true,
        pids: () => [cachingGateway.pid!, signedSubgraph.pid!],
      },
      {
        name: 'S2cz',
        what: 'S2c with `Accept-Encoding: gzip, deflate, br` as browsers send it (answers gzipped)',
        url: `http://127.0.0.1:${PORT_BASE + 6}/graphql`,
        headers: { ...bearer, 'accept-encoding': 'gzip, deflate, br' },
        // A gzip stream (magic bytes 1f 8b) is decoded; an answer sent plain (small, or refused) is checked as it is.
        decode: (body) => (body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body),
        reportBytes: true,
        pids: () => [cachingGateway.pid!, signedSubgraph.pid!],
      },
      {
        name: 'S3',
        what: 'our gateway, query spanning planning + comms (`callbacks { id phone }`, one reported call per task)',
        url: `http://127.0.0.1:${PORT_BASE + 3}/graphql`,
        headers: bearer,
        body: JSON.stringify({ query: SPANNING_QUERY, operationName: 'TaskCallbacks' }),
        pids: () => [...ours(), comms.pid!],
      },
      { name: 'S4', what: 'REST shim `GET /api/planning/tasks?limit=20`', url: `http://127.0.0.1:${PORT_BASE + 3}/api/planning/tasks?limit=20`, method: 'GET', headers: bearer, pids: ours },
      { name: 'S6', what: 'stock @apollo/gateway, default settings', url: `http://127.0.0.1:${PORT_BASE + 4}/graphql`, headers: {}, pids: () => [stock.pid!, headersSubgraph.pid!] },
      { name: 'S7', what: '@graphql-hive/gateway, default settings (caller headers propagated)', url: `http://127.0.0.1:${PORT_BASE + 7}/graphql`, headers: caller, pids: () => [hive.pid!, headersSubgraph.pid!] },
      {
        name: 'S7nd',
        what: 'S7 with `deduplicateInflightRequests: false` (no sharing of identical in-flight subgraph fetches)',
        url: `http://127.0.0.1:${PORT_BASE + 8}/graphql`,
        headers: caller,
        pids: () => [hiveNoDedupe.pid!, headersSubgraph.pid!],
      },
      // Its rounds run after every read scenario's: each create adds a task to the list the reads page and count.
      {
        writes: true,
        name: 'S5',
        what: 'our gateway, `createTask` mutations (write path + outbox)',
        url: `http://127.0.0.1:${PORT_BASE + 3}/graphql`,
        headers: bearer,
        body: JSON.stringify({ query: CREATE_MUTATION, operationName: 'CreateTask' }),
        pids: ours,
      },
      {
        writes: true,
        name: 'S2w',
        what: `S2c while \`createTask\` runs alongside in the same org at ${WRITES_PER_SECOND}/s (each write invalidates the org's answers)`,
        url: `http://127.0.0.1:${PORT_BASE + 6}/graphql`,
        headers: bearer,
        alongside: { url: `http://127.0.0.1:${PORT_BASE + 6}/graphql`, headers: bearer, body: JSON.stringify({ query: CREATE_MUTATION, operationName: 'CreateTask' }), perSecond: WRITES_PER_SECOND },
        cacheMetricsUrl: `http://127.0.0.1:${PORT_BASE + 6}/metrics`,
        pids: () => [cachingGateway.pid!, signedSubgraph.pid!],
      },
    ];
    const only = process.env.BENCH_ONLY?.split(',');
    const chosen = scenarios.filter((s) => !only || only.includes(s.name));
    // The reads' rounds first, on the seeded data set in every round (S5 grew the table between rounds, and the REST
    // total's count with it), then the writes' rounds.
    for (const phase of [chosen.filter((s) => !s.writes), chosen.filter((s) => s.writes)]) {
      for (let round = 1; round <= ROUNDS; round++) {
        for (const scenario of phase) {
          console.log(`round ${round}/${ROUNDS}, ${scenario.name}: ${scenario.what} ...`);
          const result = await run(scenario);
          rounds.set(scenario.name, [...(rounds.get(scenario.name) ?? []), result]);
        }
      }
    }
    results.push(...[...rounds.values()].map(medianOf).sort((a, b) => a.name.localeCompare(b.name)));
  } finally {
    await roles.stopAll();
    await deleteCallsExchange();
    await database.drop();
  }

  const by = (name: string) => results.find((r) => r.name === name)!;
  // The ratio of the medians, then the ratio within each round (the two scenarios measured a minute apart).
  const ratio = (a: string, b: string) => {
    if (!by(a) || !by(b)) return `${a}/${b} = n/a`;
    const perRound = rounds.get(a)!.map((r, i) => (r.rps / rounds.get(b)![i]!.rps).toFixed(2));
    return `${a}/${b} = ${(by(a).rps / by(b).rps).toFixed(2)}${ROUNDS > 1 ? ` (per round ${perRound.join(', ')})` : ''}`;
  };
  const table = [
    '| scenario | what | req/s | req/s per round | p50 ms | p99 ms | errors | non-2xx | peak RSS MB | CPU ms/req (Node roles) | CPU ms/req (PostgreSQL) | CPU ms/req (Redis) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.what} | ${Math.round(r.rps)} | ${rounds.get(r.name)!.map((x) => Math.round(x.rps)).join(', ')} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} | ${r.peakRssMb} | ${r.cpuMsPerRequest.toFixed(2)} | ${r.postgresCpuMsPerRequest.toFixed(2)} | ${r.redisCpuMsPerRequest.toFixed(2)} |`,
    ),
  ].join('\n');
  const ratios = [ratio('S2', 'S1'), ratio('S2', 'S1s'), ratio('S2', 'S6'), ratio('S2nd', 'S6'), ratio('S2', 'S7'), ratio('S2', 'S7nd'), ratio('S2nd', 'S7nd'), ratio('S2c', 'S6'), ratio('S2w', 'S6'), ratio('S1', 'S0'), ratio('S1', 'S0q')].join('; ');
  const details = results.filter((r) => r.detail).map((r) => `- ${r.name}: ${r.detail}`).join('\n');
  const split = [
    '| scenario | CPU ms/req by process (medians) |',
    '|---|---|',
    ...results.map((r) => `| ${r.name} | ${Object.entries(r.cpuMsPerRequestByRole).map(([role, ms]) => `${role} ${ms.toFixed(2)}`).join(', ')} |`),
  ].join('\n');
  console.log(`\n${table}\n\n${ratios}\n\n${details}\n\n${split}`);
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const date = new Date().toISOString().slice(0, 10);
  if (!process.env.BENCH_ONLY) writeDocSection(
    'bench-http',
    `## HTTP bench

Measured with \`npm run bench:http\` (default settings) on ${date}: ${machine}; PostgreSQL, Redis and RabbitMQ on the same
machine. autocannon, ${CONNECTIONS} connections, ${WARMUP} s warm-up then ${DURATION} s per scenario, ${ROUNDS} round${ROUNDS > 1 ? 's' : ''} of
every scenario in turn (one run). Figures are the median over the rounds (peak RSS: the highest; errors: the sum).
Query of S1, S1s, S2, S2nd, S2c, S6, S7 and S7nd:
\`${QUERY}\` over org \`bench\` (20 projects, 20,000 tasks; 5 noise orgs with 2,000 each). S3: \`${SPANNING_QUERY}\`
(comms example subgraph as its own process, one call reported per task on RabbitMQ). S4: \`GET /api/planning/tasks?limit=20\`, same token. S5: \`${CREATE_MUTATION}\`
(its rounds run after those of every read scenario, as each create grows the list). S2w: S2c's query while the same
mutation runs alongside at ${WRITES_PER_SECOND}/s (\`BENCH_WRITES_PER_SECOND\`) through the same gateway; its req/s counts the reads.
Peak RSS sums the processes serving the scenario. S0q answers S1's page from PostgreSQL with the \`pg\` driver alone (the
statement S1 runs, prepared, its rows mapped to the same JSON; no GraphQL, ORM, caller check or log): the floor of one HTTP
request plus one query, which S1's CPU per page is read against.

${table}

${ratios}

${details}

${split}`,
  );
  // The reference gateways' own failures (e.g. Hive's subgraph fetches timing out under load) are reported in the
  // table and here; only a failure of this product's scenarios fails the bench.
  const erred = results.filter((r) => r.errors > 0 || r.non2xx > 0);
  const references = erred.filter((r) => REFERENCE_SCENARIOS.has(r.name));
  if (references.length) console.warn(`bench: errors in reference scenarios ${references.map((r) => r.name).join(', ')} (see the table)`);
  const failed = erred.filter((r) => !REFERENCE_SCENARIOS.has(r.name));
  if (failed.length) {
    console.error(`bench failed: errors in ${failed.map((r) => r.name).join(', ')}`);
    process.exit(1);
  }
}

/** Scenarios of other gateways, measured beside ours. */
const REFERENCE_SCENARIOS = new Set(['S6', 'S7', 'S7nd']);

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('bench failed:', error);
    for (const child of roles.children) child.kill('SIGKILL');
    process.exit(1);
  },
);
