/**
 * Scale bench: the list reads of S1 (the planning subgraph directly) and S4 (the REST shim through our gateway)
 * measured on one database holding org `bench` (20,000 tasks, the HTTP bench's), an org of BENCH_SCALE_TASKS tasks
 * (default 1,000,000; same shape: 20 projects, statuses and priorities in turn, one task in ten a subtask) and the 5
 * noise orgs, all seeded with set-based SQL and vacuumed:
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 npm run bench:scale
 *
 * Each read is measured in both orgs in turn. It is timed one request at a time (BENCH_SCALE_REQUESTS, default 200, after a tenth as many, at most 20,
 * unmeasured: the latency of a list), then run at BENCH_SCALE_CONNECTIONS (default 10) for BENCH_SCALE_SECONDS (default 5) with autocannon (its
 * req/s and the CPU per request of the serving processes and of PostgreSQL). Writes the scale section of
 * docs/benchmarks.md; a non-2xx answer or a GraphQL error fails the run.
 */
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import { writeDocSection } from './benchmarks-doc.js';
import { cpuMeter, pidsNamed } from './process-cpu.js';
import { CLI, createRunDatabase, freePort, RoleProcesses, signToken, writeGatewayKey } from './roles.js';
import { seedOrgs } from './seed.js';

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const BIG_TASKS = Number(process.env.BENCH_SCALE_TASKS ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_SCALE_REQUESTS ?? 200);
const CONNECTIONS = Number(process.env.BENCH_SCALE_CONNECTIONS ?? 10);
const SECONDS = Number(process.env.BENCH_SCALE_SECONDS ?? 5);
/** Unmeasured requests before the timed ones. */
const WARMUP_REQUESTS = Math.min(20, Math.ceil(REQUESTS / 10));
const SMALL = { org: 'bench', tasks: 20_000 };
const BIG = { org: 'bench-big', tasks: BIG_TASKS };

const PAGE = '{ edges { node { id title tags project { name } subtaskCount } } }';

/** One read of one org: a GraphQL query sent to the subgraph directly, or a REST path through the gateway. */
interface Read {
  name: string;
  graphql?: string;
  rest?: string;
}

/** The reads measured in each org; `project` is its first project, `status` one its tasks have, `absent` one they lack. */
function readsOf(project: string, status: string, absent: string): Read[] {
  const filtered = (s: string) => `tasks(first: 20, filter: {status: [${s}], projectId: "${project}"}, orderBy: {field: DUE_DATE, direction: ASC}) { edges { node { id title dueDate } } }`;
  return [
    { name: 'S1 20-task page', graphql: `query Page { tasks(first: 20) ${PAGE} }` },
    { name: 'S1 page + `totalCount`', graphql: `query Counted { tasks(first: 20) { totalCount ${PAGE.slice(1)} }` },
    { name: 'S1 status + project, by due date', graphql: `query Filtered { ${filtered(status)} }` },
    { name: 'S1 status + project, by due date, no match', graphql: `query FilteredEmpty { ${filtered(absent)} }` },
    { name: 'S4 REST list', rest: '/api/planning/tasks?limit=20' },
    { name: 'S4 REST status + project', rest: `/api/planning/tasks?limit=20&status=${status.toLowerCase()}&projectId=${project}` },
    { name: 'S4 REST list, `count=exact`', rest: '/api/planning/tasks?limit=20&count=exact' },
  ];
}

interface Measured {
  p50: number;
  p99: number;
  rps: number;
  nodeCpuMs: number;
  postgresCpuMs: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function measure(url: string, init: RequestInit, pids: () => number[]): Promise<Measured> {
  const once = async () => {
    const response = await fetch(url, init);
    const text = await response.text();
    if (response.status !== 200 || text.includes('"errors"')) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 300)}`);
  };
  for (let i = 0; i < WARMUP_REQUESTS; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const start = performance.now();
    await once();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const options = { url, connections: CONNECTIONS, method: (init.method ?? 'GET') as 'GET' | 'POST', headers: init.headers as Record<string, string>, body: init.body as string | undefined };
  await autocannon({ ...options, duration: 1 });
  const node = cpuMeter(pids);
  const postgres = cpuMeter(() => pidsNamed('postgres'));
  let failed = 0;
  const result = await autocannon({ ...options, duration: SECONDS, setupClient: (client) => client.on('body', (body: Buffer) => body.includes('"errors"') && failed++) });
  const requests = Math.max(1, result.requests.total);
  if (failed + result.errors + result.timeouts + result.non2xx > 0) throw new Error(`${url}: ${failed + result.errors + result.timeouts + result.non2xx} failed requests under load`);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), rps: result.requests.average, nodeCpuMs: (node() * 1000) / requests, postgresCpuMs: (postgres() * 1000) / requests };
}

/** The org's first project, a status its tasks have and one they lack (the bench shape gives each project one status). */
async function filterValuesOf(databaseUrl: string, org: string) {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    const { rows } = await client.query<{ project: string; status: string }>(
      `select p.id as project, (select status from planning_tasks t where t.org_id = p.org_id and t.project_id = p.id limit 1) as status
       from planning_projects p where p.org_id = $1 order by p.name, p.id limit 1`,
      [org],
    );
    const { project, status } = rows[0]!;
    const absent = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'ARCHIVED'].find((s) => s !== status)!;
    const { rows: check } = await client.query('select 1 from planning_tasks where org_id = $1 and project_id = $2 and status = $3 limit 1', [org, project, absent]);
    if (check.length > 0) throw new Error(`project ${project} of ${org} has ${absent} tasks too: not the bench's shape`);
    return { project, status, absent };
  } finally {
    await client.end();
  }
}

const roles = new RoleProcesses();

async function main() {
  const database = await createRunDatabase(adminUrl, 'planning_scale');
  const results = new Map<string, Map<string, Measured>>();
  try {
    await database.migrate();
    const noise = Array.from({ length: 5 }, (_, i) => ({ org: `noise-${i}`, tasks: 2_000 }));
    console.log(`seeding ${SMALL.org} (${SMALL.tasks} tasks), ${BIG.org} (${BIG.tasks} tasks) and 5 noise orgs ...`);
    const seededAt = Date.now();
    await seedOrgs(database.url, [SMALL, BIG, ...noise]);
    console.log(`seeded and vacuumed in ${((Date.now() - seededAt) / 1000).toFixed(0)} s`);

    const common = { NODE_ENV: 'production', DATABASE_URL: database.url, PLANNING_CURSOR_SECRET: 'bench-cursor-secret-0123456789', AUTH_PRIVATE_KEY_FILE: await writeGatewayKey() };
    const shared = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `bench-scale-${randomBytes(3).toString('hex')}:` };
    const [headersPort, signedPort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
    const headersSubgraph = await roles.start([...CLI, 'subgraph'], { ...common, PLANNING_PORT: String(headersPort), PLANNING_TRUST_MODE: 'headers' }, headersPort);
    const signedSubgraph = await roles.start([...CLI, 'subgraph'], { ...common, ...shared, PLANNING_PORT: String(signedPort), PLANNING_TRUST_MODE: 'signed' }, signedPort);
    const gateway = await roles.start(
      [...CLI, 'gateway'],
      {
        ...common,
        ...shared,
        PORT: String(gatewayPort),
        SUBGRAPH_PLANNING_URL: `http://127.0.0.1:${signedPort}/graphql`,
        RATE_LIMIT_USER_PER_MIN: '100000000',
        RATE_LIMIT_IP_PER_MIN: '100000000',
      },
      gatewayPort,
    );

    // Read by read, each in both orgs one after the other, so the drift of a shared machine hits both sizes alike.
    const orgs = [];
    for (const { org } of [SMALL, BIG]) orgs.push({ org, ...(await filterValuesOf(database.url, org)), token: await signToken(common, org) });
    const names = readsOf('', '', '').map((read) => read.name);
    for (const name of names) {
      for (const { org, project, status, absent, token } of orgs) {
        const read = readsOf(project, status, absent).find((r) => r.name === name)!;
        console.log(`${org}: ${read.name} ...`);
        const measured = read.graphql
          ? await measure(
              `http://127.0.0.1:${headersPort}/graphql`,
              { method: 'POST', headers: { 'content-type': 'application/json', 'x-user-id': 'bench-user', 'x-org-id': org, 'x-roles': 'member' }, body: JSON.stringify({ query: read.graphql }) },
              () => [headersSubgraph.pid!],
            )
          : await measure(`http://127.0.0.1:${gatewayPort}${read.rest}`, { headers: { authorization: `Bearer ${token}` } }, () => [gateway.pid!, signedSubgraph.pid!]);
        results.set(org, (results.get(org) ?? new Map<string, Measured>()).set(read.name, measured));
      }
    }
  } finally {
    await roles.stopAll();
    await database.drop();
  }

  const small = results.get(SMALL.org)!;
  const big = results.get(BIG.org)!;
  const ms = (value: number) => value.toFixed(2);
  const table = [
    `| read | p50 ms 20k | p50 ms ${label(BIG.tasks)} | p50 ${label(BIG.tasks)}/20k | p99 ms 20k / ${label(BIG.tasks)} | req/s 20k / ${label(BIG.tasks)} | Node CPU ms/req 20k / ${label(BIG.tasks)} | PostgreSQL CPU ms/req 20k / ${label(BIG.tasks)} |`,
    '|---|---|---|---|---|---|---|---|',
    ...[...small.keys()].map((name) => {
      const [a, b] = [small.get(name)!, big.get(name)!];
      return `| ${name} | ${ms(a.p50)} | ${ms(b.p50)} | ${(b.p50 / a.p50).toFixed(2)}x | ${ms(a.p99)} / ${ms(b.p99)} | ${Math.round(a.rps)} / ${Math.round(b.rps)} | ${ms(a.nodeCpuMs)} / ${ms(b.nodeCpuMs)} | ${ms(a.postgresCpuMs)} / ${ms(b.postgresCpuMs)} |`;
    }),
  ].join('\n');
  console.log(`\n${table}`);
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  writeDocSection(
    'bench-scale',
    `## Scale bench

Measured with \`npm run bench:scale\` on ${new Date().toISOString().slice(0, 10)}: ${machine}; PostgreSQL on the same machine. One
database holding org \`bench\` (20 projects, 20,000 tasks), org \`${BIG.org}\` (20 projects, ${BIG.tasks.toLocaleString('en-US')} tasks, the same shape) and
5 noise orgs of 2,000 tasks, vacuumed. Latency: ${REQUESTS} requests one at a time (after ${WARMUP_REQUESTS} unmeasured); req/s and CPU:
autocannon, ${CONNECTIONS} connections, ${SECONDS} s. S1 reads go to the planning subgraph directly (headers mode), S4 reads through
our gateway's REST shim (signed subgraph behind it; CPU of both). Each read runs in both orgs in turn. "status + project" filters on the org's first
project and a status its tasks have (a twentieth of the org); "no match" on a status they lack.

${table}`,
  );
}

const label = (tasks: number) => (tasks >= 1_000_000 ? `${tasks / 1_000_000}M` : `${Math.round(tasks / 1000)}k`);

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('scale bench failed:', error);
    for (const child of roles.children) child.kill('SIGKILL');
    process.exit(1);
  },
);
