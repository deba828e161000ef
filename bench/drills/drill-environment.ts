import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { dirname } from 'node:path';
import amqplib from 'amqplib';
import pg from 'pg';
import { declareTopology } from '../../src/platform/messaging/amqp-event-bus.js';
import { type EventTopology, suffixedTopology } from '../../src/platform/messaging/event-bus.js';
import { TcpProxy } from '../../test/testkit/tcp-proxy.js';
import { CLI, createRunDatabase, deleteRedisKeys, deleteTopology, freePort, RoleProcesses, signToken, writeGatewayKey } from '../roles.js';
import { seedBenchData } from '../seed.js';
import { PAGE_BODY, post } from './drill-kit.js';

const DEFAULT_PORTS: Record<string, number> = { 'postgres:': 5432, 'postgresql:': 5432, 'redis:': 6379, 'amqp:': 5672 };

export interface DrillEnvironmentOptions {
  /** The shared servers; the environment reaches each through a proxy of its own. */
  databaseUrl: string;
  redisUrl: string;
  amqpUrl: string;
  /** Seeds the bench data set (20,000 tasks; the soak reads it). Off, the drills run on an empty org. */
  seedBenchData?: boolean;
  /** Keeps the roles' stderr instead of printing it (test suites). */
  quiet?: boolean;
  /** Progress lines (the CLI prints them). */
  log?: (line: string) => void;
}

/** What the drills use once the environment runs. */
interface Running {
  ports: { gateway: number; subgraph: number; worker: number };
  /** The `authorization` header of `bench-user` (org `bench`, role member). */
  bearer: Record<string, string>;
  /** The run's database, directly (not through the proxy). */
  db: pg.Client;
  channel: amqplib.Channel;
  /** The drill's downstream queue, bound to `planning.task.created`. */
  sinkQueue: string;
  gateway: ChildProcess;
  subgraph: ChildProcess;
  proxies: Record<'postgres' | 'redis' | 'rabbit', TcpProxy>;
}

/**
 * What the drills run against: PostgreSQL, Redis and RabbitMQ each behind a {@link TcpProxy} of ours (a cut drops
 * every connection and refuses new ones; the shared servers keep running), and the gateway, the planning subgraph
 * (signed mode) and the worker as child processes on free ports. Everything is the run's own: a fresh database, a
 * random Redis key prefix, suffixed exchanges and queues, and an exclusive queue bound to `planning.task.created`
 * standing for a downstream consumer. The worker reaches PostgreSQL directly, so only its RabbitMQ link is cut in drill a.
 *
 * `close()` removes all of it, and may run at any point of `start()` (the CLI calls it on SIGINT).
 *
 * @example
 * const environment = new DrillEnvironment({ databaseUrl, redisUrl, amqpUrl });
 * try {
 *   await environment.start();
 *   console.log(await redisCut(environment, { cutMs: 5_000 }));
 * } finally {
 *   await environment.close();
 * }
 */
export class DrillEnvironment {
  readonly roles: RoleProcesses;
  /** Keep-alive connections of the drills' single requests to the gateway. */
  readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  readonly topology: EventTopology = suffixedTopology(`drill.${randomBytes(3).toString('hex')}`);
  readonly redisPrefix = `drill-${randomBytes(3).toString('hex')}:`;
  private running: Running | undefined;
  // What close() undoes, set as start() goes.
  private database: Awaited<ReturnType<typeof createRunDatabase>> | undefined;
  private dbClient: pg.Client | undefined;
  private connection: amqplib.ChannelModel | undefined;
  private readonly proxyList: TcpProxy[] = [];
  private keyFile: string | undefined;
  private roleEnv: Record<string, string> = {};

  constructor(readonly options: DrillEnvironmentOptions) {
    this.roles = new RoleProcesses({ quiet: options.quiet });
  }

  get ports() {
    return this.ready().ports;
  }
  get bearer() {
    return this.ready().bearer;
  }
  get db() {
    return this.ready().db;
  }
  get channel() {
    return this.ready().channel;
  }
  get sinkQueue() {
    return this.ready().sinkQueue;
  }
  get gateway() {
    return this.ready().gateway;
  }
  get subgraph() {
    return this.ready().subgraph;
  }
  get proxies() {
    return this.ready().proxies;
  }

  async start(): Promise<this> {
    const { databaseUrl, redisUrl, amqpUrl, log = () => {} } = this.options;
    this.database = await createRunDatabase(databaseUrl, 'planning_drill');
    await this.database.migrate();
    if (this.options.seedBenchData) {
      log('seeding 20 projects + 20,000 tasks (+ 5 noise orgs) ...');
      await seedBenchData(this.database.url);
    }
    const db = (this.dbClient = new pg.Client(this.database.url));
    await db.connect();

    this.connection = await amqplib.connect(amqpUrl);
    const channel = await this.connection.createChannel();
    await declareTopology(channel, this.topology);
    // Exclusive: the queue goes with the connection.
    const { queue: sinkQueue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(sinkQueue, this.topology.exchange, 'planning.task.created');

    const proxies = { postgres: await this.proxyTo(databaseUrl), redis: await this.proxyTo(redisUrl), rabbit: await this.proxyTo(amqpUrl) };
    const ports = { gateway: await freePort(), subgraph: await freePort(), worker: await freePort() };
    this.keyFile = await writeGatewayKey();
    this.roleEnv = {
      NODE_ENV: 'production',
      DATABASE_URL: proxies.postgres.urlFor(this.database.url),
      PLANNING_CURSOR_SECRET: 'drill-cursor-secret-0123456789',
      AUTH_PRIVATE_KEY_FILE: this.keyFile,
      PLANNING_HOST: '127.0.0.1',
      REDIS_KEY_PREFIX: this.redisPrefix,
      // Every gateway of the run: Redis through the proxy, the run's subgraph, no rate limit in the way of the load.
      REDIS_URL: proxies.redis.urlFor(redisUrl),
      SUBGRAPH_PLANNING_URL: `http://127.0.0.1:${ports.subgraph}/graphql`,
      RATE_LIMIT_USER_PER_MIN: '100000000',
      RATE_LIMIT_IP_PER_MIN: '100000000',
    };
    const [subgraph, gateway] = await Promise.all([
      this.roles.start([...CLI, 'subgraph'], { ...this.roleEnv, PLANNING_PORT: String(ports.subgraph), PLANNING_TRUST_MODE: 'signed' }, ports.subgraph),
      this.startGateway(ports.gateway),
      this.roles.start(
        [...CLI, 'worker'],
        {
          ...this.roleEnv,
          DATABASE_URL: this.database.url,
          WORKER_PORT: String(ports.worker),
          RABBITMQ_URL: proxies.rabbit.urlFor(amqpUrl),
          EVENTS_EXCHANGE: this.topology.exchange,
          EVENTS_QUEUE: this.topology.queue,
          EVENTS_DEAD_LETTER_EXCHANGE: this.topology.deadLetterExchange,
          EVENTS_DEAD_LETTER_QUEUE: this.topology.deadLetterQueue,
        },
        ports.worker,
      ),
    ]);
    const bearer = { authorization: `Bearer ${await signToken(this.roleEnv)}` };
    this.running = { ports, bearer, db, channel, sinkQueue, gateway, subgraph, proxies };
    if (!(await this.pageOk())) throw new Error('the gateway does not answer the page query before the drills');
    return this;
  }

  /** A gateway on `port` (the environment's own, or one more that drill d stops). */
  startGateway(port: number): Promise<ChildProcess> {
    return this.roles.start([...CLI, 'gateway'], { ...this.roleEnv, PORT: String(port) }, port);
  }

  /** True when the page query answers 200 without GraphQL errors within 2 s. */
  async pageOk(): Promise<boolean> {
    const answer = await post(this.ports.gateway, '/graphql', PAGE_BODY, this.bearer, this.agent, 2_000);
    return answer.status === 200 && !answer.body.includes('"errors"');
  }

  /** Stops the roles and removes the run's database, exchanges, queues, Redis keys and key file. */
  async close(): Promise<void> {
    await this.roles.stopAll();
    this.agent.destroy();
    for (const proxy of this.proxyList) await proxy.stop();
    if (this.connection) {
      await deleteTopology(await this.connection.createChannel(), this.topology);
      await this.connection.close().catch(() => {});
    }
    await this.dbClient?.end().catch(() => {});
    await this.database?.drop();
    if (this.keyFile) await rm(dirname(this.keyFile), { recursive: true, force: true });
    await deleteRedisKeys(this.options.redisUrl, this.redisPrefix);
  }

  private ready(): Running {
    if (!this.running) throw new Error('the drill environment is not started');
    return this.running;
  }

  private async proxyTo(url: string): Promise<TcpProxy> {
    const { protocol, hostname, port } = new URL(url);
    const proxy = await new TcpProxy(hostname, Number(port || DEFAULT_PORTS[protocol])).start();
    this.proxyList.push(proxy);
    return proxy;
  }
}
