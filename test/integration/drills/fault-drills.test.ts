import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrillEnvironment } from '../../../bench/drills/drill-environment.js';
import { postgresCut } from '../../../bench/drills/postgres-cut.drill.js';
import { rabbitMqCut } from '../../../bench/drills/rabbitmq-cut.drill.js';
import { redisCut } from '../../../bench/drills/redis-cut.drill.js';
import { sigtermUnderLoad } from '../../../bench/drills/sigterm-under-load.drill.js';
import { serviceSettings } from '../../testkit/services.js';

const { databaseUrl, redisUrl, rabbitmqUrl } = serviceSettings();

/**
 * Drills a to d of `npm run drills` at small sizes, on one set of roles (gateway, planning subgraph and worker as
 * child processes, each service behind a proxy of the environment; its own database, Redis key prefix, exchanges and
 * queues). They assert counts only, never timing: the figures come from the CLI run on a quiet machine. Every drill
 * restores what it cut in `finally`, and closing the environment stops the proxies.
 */
describe.skipIf(!(databaseUrl && redisUrl && rabbitmqUrl))('fault drills at small size', () => {
  let environment: DrillEnvironment;

  beforeAll(async () => {
    environment = new DrillEnvironment({
      databaseUrl: databaseUrl!,
      redisUrl: redisUrl!,
      amqpUrl: rabbitmqUrl!,
      quiet: true,
    });
    await environment.start();
  }, 120_000);
  afterAll(async () => {
    await environment?.close();
  }, 60_000);

  it('when RabbitMQ is cut for 3 s during 200 createTask mutations, then every mutation answers 200 and every event arrives once the link is back, none lost and none duplicated', async () => {
    const result = await rabbitMqCut(environment, { mutations: 200, cutMs: 3_000, drainDeadlineMs: 60_000 });

    expect(result.failures).toEqual([]);
    expect(result.counts).toMatchObject({ answered: 200, notAnswered: 0, lost: 0, duplicateEffects: 0, unexpectedTasks: 0 });
  }, 120_000);

  it('when Redis is cut for 1 s, then every answer meanwhile is a 503 with a JSON error body, and the same gateway answers 200 again after the restore', async () => {
    const result = await redisCut(environment, { cutMs: 1_000 });

    expect(result.failures).toEqual([]);
    expect(result.counts.duringCut).toBeGreaterThan(0);
    expect(result.counts).toMatchObject({ notUnavailable: 0, recovered: 1, after200: 10 });
  }, 120_000);

  it('when PostgreSQL is cut for 2 s under 5 connections for 6 s, then every answer is a 200 or a 503 with a JSON error body, none times out, and requests succeed after the restore', async () => {
    const result = await postgresCut(environment, { connections: 5, durationSeconds: 6, cutAfterMs: 2_000, cutMs: 2_000 });

    expect(result.failures).toEqual([]);
    // The cut was felt: some answers were 503s.
    expect(result.counts.unavailable).toBeGreaterThan(0);
    expect(result.counts).toMatchObject({ unclean: 0, timeouts: 0, connectionErrors: 0, recovered: 1 });
  }, 120_000);

  // Last: it stops the environment's gateway.
  it('when the gateway gets SIGTERM under 10 connections of createTask, then every committed task was answered 200, every 200 has its task, and it exits 0', async () => {
    const result = await sigtermUnderLoad(environment, { connections: 10, signalAfterMs: 1_500, stopTheEnvironmentGateway: true });

    expect(result.failures).toEqual([]);
    // Requests were in flight at the signal and were answered, not dropped.
    expect(result.counts.answeredAfterSignal).toBeGreaterThan(0);
    expect(result.counts).toMatchObject({ lost: 0, phantom: 0, unexpected: 0 });
  }, 120_000);
});
