import { PLANNING_ENTITIES } from '../src/modules/planning-entities.js';
/**
 * Event bench: relay throughput (published with confirms), idle commit-to-publish latency, consumer throughput
 * for comms.call.ended. Runs against real PostgreSQL and RabbitMQ:
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672 npm run bench:events
 *
 * It creates a database and a topology of its own and removes both at the end.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { writeDocSection } from './benchmarks-doc.js';
import { deleteTopology } from './roles.js';
import amqplib from 'amqplib';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { startWorker } from '../src/main/worker-role.js';
import { migrateToLatest, openOrm } from '../src/platform/db/orm.js';
import { createLogger } from '../src/platform/logging/logger.js';
import { AmqpEventBus, declareTopology } from '../src/platform/messaging/amqp-event-bus.js';
import { suffixedTopology } from '../src/platform/messaging/event-bus.js';
import { appendToOutbox } from '../src/platform/outbox/outbox.repository.js';
import { OutboxRelay } from '../src/platform/outbox/outbox-relay.js';
import { notifyRelaysAfterCommit } from '../src/platform/outbox/outbox-notifier.js';

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const amqpUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const RELAY_EVENTS = Number(process.env.BENCH_RELAY_EVENTS ?? 20_000);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 200);
const CONSUMER_EVENTS = Number(process.env.BENCH_CONSUMER_EVENTS ?? 3_000);
/** Orgs the inbound events spread over (positions are handed out per org and project, one writer at a time). */
const CONSUMER_ORGS = Number(process.env.BENCH_CONSUMER_ORGS ?? 5);
/** The consumer's prefetch, group size and lanes: the shipped defaults unless overridden. */
const defaults = loadConfig({}).events;
const CONSUMER_PREFETCH = Number(process.env.BENCH_CONSUMER_PREFETCH ?? defaults.prefetch);
const CONSUMER_GROUP_MAX = Number(process.env.BENCH_CONSUMER_GROUP_MAX ?? defaults.groupMax);
const CONSUMER_GROUP_LANES = Number(process.env.BENCH_CONSUMER_GROUP_LANES ?? defaults.groupLanes);

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const logger = createLogger('silent');
  const suffix = `bench.${randomBytes(3).toString('hex')}`;
  const dbName = `planning_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const dbUrl = Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString();
  const topology = suffixedTopology(suffix);
  const connection = await amqplib.connect(amqpUrl);
  const channel = await connection.createConfirmChannel();
  await declareTopology(channel, topology);
  const { queue: sink } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(sink, topology.exchange, 'planning.#');

  const orm = await openOrm({ entities: PLANNING_ENTITIES, clientUrl: dbUrl, poolMax: 10 });
  await migrateToLatest(orm);
  const results: Record<string, string> = {};
  try {
    // 1. Relay throughput: a backlog of events, drained by one relay with publisher confirms.
    const actor = { userId: 'bench', orgId: 'bench-org' };
    for (let written = 0; written < RELAY_EVENTS; written += 1000) {
      await orm.em.fork().transactional((em) =>
        appendToOutbox(
          em,
          actor,
          Array.from({ length: 1000 }, () => ({
            type: 'planning.task.updated',
            aggregateId: randomUUID(),
            data: { task_id: randomUUID(), changes: { title: 'x' } },
          })),
        ),
      );
    }
    const bus = new AmqpEventBus(amqpUrl, topology, logger);
    const relay = new OutboxRelay({ orm, bus, logger, batchSize: 1000 });
    await relay.publishBatch(); // warm-up: connection and channel
    const relayStart = performance.now();
    while ((await relay.publishBatch()) > 0);
    const relaySeconds = (performance.now() - relayStart) / 1000;
    results.relay = `${Math.round((RELAY_EVENTS - 1000) / relaySeconds)} events/s (${RELAY_EVENTS - 1000} events in ${relaySeconds.toFixed(2)} s, batch 1000)`;
    await channel.purgeQueue(sink);

    // 2. Idle commit-to-publish latency: the worker's relay, woken by LISTEN/NOTIFY (another process's commit).
    const worker = await startWorker({ orm, bus: new AmqpEventBus(amqpUrl, topology, logger), logger, cursorSecret: 'bench-secret-0123456789', listenUrl: dbUrl, consume: false });
    const committedAt = new Map<string, number>();
    const latencies: number[] = [];
    await channel.consume(sink, (m) => {
      if (!m) return;
      const sent = committedAt.get(JSON.parse(m.content.toString()).data.task_id);
      if (sent !== undefined) latencies.push(performance.now() - sent);
      channel.ack(m);
    });
    const writer = await openOrm({ entities: PLANNING_ENTITIES, clientUrl: dbUrl, poolMax: 2 }); // a second "process": its commits only reach the relay by NOTIFY
    notifyRelaysAfterCommit(writer);
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const taskId = randomUUID();
      // Measured from the start of the committing transaction: the commit's own time is included.
      committedAt.set(taskId, performance.now());
      await writer.em.fork().transactional((em) =>
        appendToOutbox(em, actor, [{ type: 'planning.task.updated', aggregateId: taskId, data: { task_id: taskId, changes: { title: 'y' } } }]),
      );
      await sleep(20);
    }
    await sleep(500);
    await writer.close(true);
    await worker.stop();
    results.latency = `p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms (${latencies.length}/${LATENCY_SAMPLES} samples, commits 20 ms apart)`;

    // 3. Consumer throughput: a backlog of comms.call.ended (callback requested) in the queue, then the consumer.
    for (let i = 0; i < CONSUMER_EVENTS; i++) {
      channel.publish(
        topology.exchange,
        'comms.call.ended',
        Buffer.from(
          JSON.stringify({
            id: randomUUID(),
            type: 'comms.call.ended',
            user_id: 'agent',
            org_id: `bench-org-${i % CONSUMER_ORGS}`,
            data: { call_id: `c-${i}`, outcome: 'callback_requested', contact: { name: `Contact ${i}` }, callback_time: '2026-12-01T10:00:00Z' },
          }),
        ),
        { persistent: true },
      );
    }
    await channel.waitForConfirms();
    const consumer = await startWorker({
      orm,
      bus: new AmqpEventBus(amqpUrl, topology, logger),
      logger,
      cursorSecret: 'bench-secret-0123456789',
      prefetch: CONSUMER_PREFETCH,
      eventsGroupMax: CONSUMER_GROUP_MAX,
      eventsGroupLanes: CONSUMER_GROUP_LANES,
      listenUrl: dbUrl,
    });
    const consumeStart = performance.now();
    for (;;) {
      const [row] = await orm.em.fork().execute('select count(*)::int as n from planning_inbox');
      if (Number(row.n) >= CONSUMER_EVENTS) break;
      await sleep(50);
    }
    const consumeSeconds = (performance.now() - consumeStart) / 1000;
    await consumer.stop();
    const { groups, events } = consumer.processor.committed;
    results.consumer =
      `${Math.round(CONSUMER_EVENTS / consumeSeconds)} events/s (${CONSUMER_EVENTS} comms.call.ended over ${CONSUMER_ORGS} orgs -> task + outbox event, ` +
      `prefetch ${CONSUMER_PREFETCH}, group max ${CONSUMER_GROUP_MAX}, ${CONSUMER_GROUP_LANES} lanes; ${groups} commits, ${(events / groups).toFixed(1)} events per commit)`;
  } finally {
    await orm.close(true);
    await deleteTopology(channel, topology);
    await connection.close();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
  console.log('\nEvent bench (real PostgreSQL + RabbitMQ)');
  for (const [name, value] of Object.entries(results)) console.log(`  ${name.padEnd(9)} ${value}`);
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  writeDocSection(
    'bench-events',
    `## Event bench

Measured with \`npm run bench:events\` on ${new Date().toISOString().slice(0, 10)}: ${machine}; PostgreSQL and RabbitMQ on the
same machine, one run. Relay: a backlog drained by one relay with publisher confirms. Latency: commits from another
process, woken by NOTIFY. Consumer: \`comms.call.ended\` events (callback requested) -> task + outbox event.

| measure | result |
|---|---|
${Object.entries(results)
  .map(([name, value]) => `| ${name} | ${value} |`)
  .join('\n')}`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('bench failed:', error);
    process.exit(1);
  },
);
