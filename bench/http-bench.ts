/**
 * HTTP bench: the same 20-task page query measured at each layer, in one run, each scenario after a warm-up, with
 * autocannon at fixed concurrency. Runs against real PostgreSQL and Redis (URLs from the environment):
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 npm run bench:http
 *
 *   S0  bare node:http server, fixed JSON body (the machine's ceiling)
 *   S1  the planning subgraph directly (headers trust mode)
 *   S2  the same query through our gateway: real token, revocation, rate limit, signed context all on
 *   S6  a stock @apollo/gateway (default settings) in front of the same subgraph
 *
 * Non-2xx answers or GraphQL errors make the bench fail. Writes docs/benchmarks.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { generatePrivateKeyPem } from '../src/platform/identity/signing-keys.js';
import { migrateToLatest, openOrm } from '../src/platform/db/orm.js';
import { seedBenchData } from './seed.js';

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);

const QUERY = 'query TaskPage { tasks(first: 20) { edges { node { id title tags project { name } subtaskCount } } } }';
const BODY = JSON.stringify({ query: QUERY, operationName: 'TaskPage' });

interface Scenario {
  name: string;
  what: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  method?: 'GET' | 'POST';
  /** Processes whose memory counts for this scenario. */
  pids: () => number[];
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
}

const children: ChildProcess[] = [];

function startProcess(script: string[], env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...script], {
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    const poll = async () => {
      if (child.exitCode !== null) return reject(new Error(`${script.join(' ')} exited with ${child.exitCode}`));
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health`);
        if (response.status < 500) return resolve(child);
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) return reject(new Error(`${script.join(' ')} did not start`));
      setTimeout(poll, 200);
    };
    void poll();
  });
}

function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function run(scenario: Scenario): Promise<Result> {
  const options = {
    url: scenario.url,
    connections: CONNECTIONS,
    method: scenario.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...scenario.headers },
    body: scenario.body ?? BODY,
  };
  await autocannon({ ...options, duration: WARMUP });
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, scenario.pids().reduce((sum, pid) => sum + rssMb(pid), 0));
  }, 200);
  let graphqlErrors = 0;
  const result = await autocannon({
    ...options,
    duration: DURATION,
    setupClient: (client) => {
      client.on('body', (body: Buffer) => {
        if (body.includes('"errors"')) graphqlErrors++;
      });
    },
  });
  clearInterval(sampler);
  return {
    name: scenario.name,
    what: scenario.what,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + graphqlErrors,
    non2xx: result.non2xx,
    peakRssMb: Math.round(peak),
  };
}

async function main() {
  const dbName = `planning_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const dbUrl = Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString();
  const results: Result[] = [];
  try {
    const orm = await openOrm({ clientUrl: dbUrl, poolMax: 2 });
    await migrateToLatest(orm);
    await orm.close(true);
    console.log('seeding 20 projects + 20,000 tasks (+ 5 noise orgs) ...');
    await seedBenchData(dbUrl);

    const keyDir = await mkdtemp(join(tmpdir(), 'bench-keys-'));
    const keyFile = join(keyDir, 'gateway.pem');
    writeFileSync(keyFile, generatePrivateKeyPem(), { mode: 0o600 });
    const common = {
      NODE_ENV: 'production',
      DATABASE_URL: dbUrl,
      PLANNING_CURSOR_SECRET: 'bench-cursor-secret-0123456789',
      AUTH_PRIVATE_KEY_FILE: keyFile,
    };
    const cli = ['src/main/cli.ts'];
    const bare = await startProcess(['bench/servers/bare-server.ts'], { PORT: '4100' }, 4100);
    const signedSubgraph = await startProcess([...cli, 'subgraph'], { ...common, PLANNING_PORT: '4101', PLANNING_TRUST_MODE: 'signed' }, 4101);
    const headersSubgraph = await startProcess([...cli, 'subgraph'], { ...common, PLANNING_PORT: '4102', PLANNING_TRUST_MODE: 'headers' }, 4102);
    const gateway = await startProcess(
      [...cli, 'gateway'],
      {
        ...common,
        PORT: '4103',
        REDIS_URL: redisUrl,
        REDIS_KEY_PREFIX: `bench-${randomBytes(3).toString('hex')}:`,
        SUBGRAPH_PLANNING_URL: 'http://127.0.0.1:4101/graphql',
        RATE_LIMIT_USER_PER_MIN: '100000000',
        RATE_LIMIT_IP_PER_MIN: '100000000',
      },
      4103,
    );
    const stock = await startProcess(['bench/servers/stock-gateway.ts'], { PORT: '4104', SUBGRAPH_PLANNING_URL: 'http://127.0.0.1:4102/graphql' }, 4104);

    const token = await new Promise<string>((resolve, reject) => {
      const mint = spawn(process.execPath, ['--import', 'tsx', ...cli, 'token', 'mint', '--sub', 'bench-user', '--org', 'bench', '--roles', 'member', '--ttl', '3600'], {
        env: { ...process.env, ...common },
      });
      let out = '';
      mint.stdout.on('data', (d) => (out += d));
      mint.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error('token mint failed'))));
    });
    const caller = { 'x-user-id': 'bench-user', 'x-org-id': 'bench', 'x-roles': 'member' };
    const pid = (child: ChildProcess) => () => [child.pid!];
    const scenarios: Scenario[] = [
      { name: 'S0', what: 'bare node:http, fixed JSON', url: 'http://127.0.0.1:4100/', headers: {}, pids: pid(bare) },
      { name: 'S1', what: 'planning subgraph directly', url: 'http://127.0.0.1:4102/graphql', headers: caller, pids: pid(headersSubgraph) },
      {
        name: 'S2',
        what: 'our gateway (auth, revocation, rate limit, signed context)',
        url: 'http://127.0.0.1:4103/graphql',
        headers: { authorization: `Bearer ${token}` },
        pids: () => [gateway.pid!, signedSubgraph.pid!],
      },
      { name: 'S6', what: 'stock @apollo/gateway, default settings', url: 'http://127.0.0.1:4104/graphql', headers: {}, pids: () => [stock.pid!, headersSubgraph.pid!] },
    ];
    for (const scenario of scenarios) {
      console.log(`${scenario.name}: ${scenario.what} ...`);
      results.push(await run(scenario));
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }

  const by = (name: string) => results.find((r) => r.name === name)!;
  const ratio = (a: string, b: string) => (by(a).rps / by(b).rps).toFixed(2);
  const table = [
    '| scenario | what | req/s | p50 ms | p99 ms | errors | non-2xx | peak RSS MB |',
    '|---|---|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.name} | ${r.what} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} | ${r.peakRssMb} |`),
  ].join('\n');
  const ratios = `S2/S1 = ${ratio('S2', 'S1')}, S2/S6 = ${ratio('S2', 'S6')}, S1/S0 = ${ratio('S1', 'S0')}`;
  console.log(`\n${table}\n\n${ratios}`);
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  writeFileSync(
    new URL('../docs/benchmarks.md', import.meta.url),
    `# Benchmarks\n\nMeasured with \`npm run bench:http\` on ${new Date().toISOString().slice(0, 10)}: ${machine}; PostgreSQL and Redis on the same\nmachine. autocannon, ${CONNECTIONS} connections, ${WARMUP} s warm-up then ${DURATION} s per scenario, one run. Query: \`${QUERY}\` over org\n\`bench\` (20 projects, 20,000 tasks; 5 noise orgs with 2,000 each). Peak RSS sums the processes serving the scenario.\n\n${table}\n\n${ratios}\n`,
  );
  const failed = results.filter((r) => r.errors > 0 || r.non2xx > 0);
  if (failed.length) {
    console.error(`bench failed: errors in ${failed.map((r) => r.name).join(', ')}`);
    process.exit(1);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('bench failed:', error);
    for (const child of children) child.kill('SIGKILL');
    process.exit(1);
  },
);
