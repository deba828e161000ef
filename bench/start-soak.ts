/**
 * The whole `npm start` under a steady load: one process holding the gateway, the planning subgraph, the worker and
 * the comms example (the built CLI with the Node flags of `npm start`), on real PostgreSQL, Redis and RabbitMQ, soaked
 * with the page query at half the process's own peak (measured first: 50 connections for 10 s) for BENCH_SOAK_SECONDS
 * (default 600), in 60 s windows. Half the HTTP bench's S2 is out of reach here: S2's gateway and subgraph are separate
 * processes sharing both cores, while this one process runs on one.
 * Reports each window's req/s, p99 and highest RSS of the process, and fails like drill e when a request failed, the
 * rate was not held, or p99 or RSS grew. Writes the "start-soak" section of docs/benchmarks.md.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 \
 *     RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672 npm run bench:soak
 *
 * BENCH_SOAK_RATE sets the rate instead (req/s). Everything is the run's own: a fresh database with the bench data
 * set, a random Redis key prefix, suffixed exchanges and queues; all of it is removed at the end.
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { rm } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import amqplib from 'amqplib';
import { suffixedTopology } from '../src/platform/messaging/event-bus.js';
import { writeDocSection } from './benchmarks-doc.js';
import { PAGE_BODY } from './drills/drill-kit.js';
import { soak } from './drills/soak.drill.js';
import { CLI, createRunDatabase, deleteRedisKeys, deleteTopology, freePort, NODE_FLAGS, RoleProcesses, signToken, writeGatewayKey } from './roles.js';
import { seedBenchData } from './seed.js';

const SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 0) || undefined;
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const amqpUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

const roles = new RoleProcesses();
const topology = suffixedTopology(`soak.${randomBytes(3).toString('hex')}`);
const redisPrefix = `soak-${randomBytes(3).toString('hex')}:`;
let database: Awaited<ReturnType<typeof createRunDatabase>> | undefined;
let keyFile: string | undefined;

async function cleanUp(): Promise<void> {
  await roles.stopAll();
  await database?.drop();
  if (keyFile) await rm(dirname(keyFile), { recursive: true, force: true });
  const connection = await amqplib.connect(amqpUrl);
  await deleteTopology(await connection.createChannel(), topology);
  await connection.close();
  await deleteRedisKeys(redisUrl, redisPrefix);
}

async function main(): Promise<boolean> {
  database = await createRunDatabase(adminUrl, 'planning_soak');
  await database.migrate();
  console.log('seeding 20 projects + 20,000 tasks (+ 5 noise orgs) ...');
  await seedBenchData(database.url);
  keyFile = await writeGatewayKey();
  const [port, planningPort, commsPort, workerPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: redisPrefix,
    RABBITMQ_URL: amqpUrl,
    EVENTS_EXCHANGE: topology.exchange,
    EVENTS_QUEUE: topology.queue,
    EVENTS_DEAD_LETTER_EXCHANGE: topology.deadLetterExchange,
    EVENTS_DEAD_LETTER_QUEUE: topology.deadLetterQueue,
    AUTH_PRIVATE_KEY_FILE: keyFile,
    PLANNING_CURSOR_SECRET: 'soak-cursor-secret-0123456789abc',
    PORT: String(port),
    PLANNING_PORT: String(planningPort),
    COMMS_PORT: String(commsPort),
    WORKER_PORT: String(workerPort),
    // The load is one caller's: no rate limit in its way.
    RATE_LIMIT_USER_PER_MIN: '100000000',
    RATE_LIMIT_IP_PER_MIN: '100000000',
  };
  const start = await roles.start([...CLI, 'start'], env, port);
  const bearer = { authorization: `Bearer ${await signToken(env)}` };
  const url = `http://127.0.0.1:${port}/graphql`;
  const peak = await autocannon({ url, connections: 50, duration: 10, method: 'POST', headers: { 'content-type': 'application/json', ...bearer }, body: PAGE_BODY });
  if (peak.non2xx || peak.errors) throw new Error(`the peak run failed: ${peak.non2xx} non-2xx answers, ${peak.errors} errors`);
  const peakRps = Math.round(peak.requests.average);
  const rate = RATE ?? Math.max(1, Math.round(peakRps / 2));
  console.log(`peak ${peakRps} req/s; soaking the npm start process (pid ${start.pid}) at ${rate} req/s for ${SECONDS} s ...`);
  const result = await soak({ url, headers: bearer, pids: [start.pid!], weighs: 'the one npm start process' }, { seconds: SECONDS, rate });
  console.log(`${result.passed ? 'passed' : 'FAILED'}: ${result.figures}`);
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  writeDocSection(
    'start-soak',
    `## The whole \`npm start\` under a soak

Measured with \`npm run bench:soak\` (BENCH_SOAK_SECONDS=${SECONDS}) on ${new Date().toISOString().slice(0, 10)}: ${machine}. One process
runs every role, as \`npm start\` does (\`node ${NODE_FLAGS.join(' ')} dist/main/cli.js start\`, \`NODE_ENV=production\`), on real
PostgreSQL, Redis and RabbitMQ with the bench data set; 10 connections send the page query through its gateway at
${RATE ? 'BENCH_SOAK_RATE' : `half its own peak (${peakRps} req/s with 50 connections for 10 s, measured first)`}. RSS is the process's, sampled every second; each window shows its highest sample.

| result | figures |
|---|---|
| ${result.passed ? 'passed' : '**failed**'} | ${result.figures} |`,
  );
  if (!result.passed) console.error(`soak failed: ${result.failures.join('; ')}`);
  return result.passed;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(1));
  });
}

main()
  .then(
    async (passed) => {
      await cleanUp();
      process.exit(passed ? 0 : 1);
    },
    async (error: unknown) => {
      console.error('soak failed:', error);
      await cleanUp().catch(() => {});
      process.exit(1);
    },
  );
