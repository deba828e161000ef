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
 *   c  PostgreSQL cut for 5 s under load: clean JSON 503 answers, no hang, recovery
 *   d  SIGTERM to the gateway under load: no accepted request lost
 *   e  soak at half the measured S2 peak (docs/benchmarks.md) for DRILL_SOAK_SECONDS: RSS and p99 stable
 *
 * Each drill is a function of bench/drills/ taking its sizes; test/integration/drills runs a to d at small sizes in
 * `npm test`. Creates its own database, exchanges, queues and Redis key prefix and removes them at the end, even on
 * failure. Prints a table and writes the "Fault drills" section of docs/benchmarks.md. Exits 1 when a drill fails.
 */
import { cpus, totalmem } from 'node:os';
import { writeDocSection } from './benchmarks-doc.js';
import { DrillEnvironment } from './drills/drill-environment.js';
import type { DrillResult } from './drills/drill-kit.js';
import { postgresCut } from './drills/postgres-cut.drill.js';
import { rabbitMqCut } from './drills/rabbitmq-cut.drill.js';
import { redisCut } from './drills/redis-cut.drill.js';
import { sigtermUnderLoad } from './drills/sigterm-under-load.drill.js';
import { soak } from './drills/soak.drill.js';

const SOAK_SECONDS = Number(process.env.DRILL_SOAK_SECONDS ?? 600);
const SOAK_RATE = Number(process.env.DRILL_SOAK_RATE ?? 0) || undefined;

const environment = new DrillEnvironment({
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  amqpUrl: process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  seedBenchData: true,
  log: console.log,
});

const drills: Array<[string, () => Promise<DrillResult>]> = [
  ['rabbitMqCut', () => rabbitMqCut(environment, { mutations: 1_000, cutMs: 30_000 })],
  ['redisCut', () => redisCut(environment, { cutMs: 5_000 })],
  ['postgresCut', () => postgresCut(environment, { connections: 20, durationSeconds: 20, cutAfterMs: 5_000, cutMs: 5_000 })],
  ['sigtermUnderLoad', () => sigtermUnderLoad(environment, { connections: 20, signalAfterMs: 3_000 })],
  [
    'soak',
    () =>
      soak(
        { url: `http://127.0.0.1:${environment.ports.gateway}/graphql`, headers: environment.bearer, pids: [environment.gateway.pid!, environment.subgraph.pid!], weighs: 'gateway + subgraph' },
        { seconds: SOAK_SECONDS, rate: SOAK_RATE },
      ),
  ],
];

async function main() {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`${signal}: cleaning up`);
      void environment.close().finally(() => process.exit(1));
    });
  }
  const results: DrillResult[] = [];
  try {
    await environment.start();
    for (const [name, drill] of drills) {
      console.log(`drill ${name} ...`);
      const result = await drill().catch((error: unknown) => ({ drill: name, passed: false, figures: `crashed: ${(error as Error).message}`, failures: [], counts: {} }));
      console.log(`  ${result.passed ? 'passed' : 'FAILED'}: ${result.figures}`);
      results.push(result);
    }
  } finally {
    await environment.close();
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
Drills a to d also run in \`npm test\` at small sizes, asserting the counts only (test/integration/drills).

${table}`,
  );
  if (results.some((r) => !r.passed)) {
    for (const r of results.filter((x) => !x.passed)) console.error(`${r.drill}: ${r.failures.join('; ') || r.figures}`);
    console.error(`drills failed: ${results.filter((r) => !r.passed).map((r) => r.drill).join('; ')}`);
    process.exit(1);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('drills failed:', error);
    for (const child of environment.roles.children) child.kill('SIGKILL');
    process.exit(1);
  },
);
