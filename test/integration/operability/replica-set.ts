import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '../../../src/config/config.js';
import type { Role } from '../../../src/modules/common/caller.js';
import { hashPassword } from '../../../src/modules/users/password.js';
import { UserRepository } from '../../../src/modules/users/user.repository.js';
import { PLANNING_ENTITIES } from '../../../src/modules/planning-entities.js';
import { openOrm } from '../../../src/platform/db/orm.js';
import { loadKeyRing } from '../../../src/platform/identity/signing-keys.js';
import { TokenIssuer } from '../../../src/platform/identity/token-issuer.js';
import { writeGatewayKey } from '../../../bench/roles.js';
import { serviceSettings } from '../../testkit/services.js';
import { createTestDatabase, type TestDatabase } from '../../testkit/test-database.js';
import { CliChild } from './cli-child.js';

/** The URL the banner of a started role prints for `label` (gateway, planning, worker, `planning (routed)`). */
export function bannerUrl(stderr: string, label: string): string {
  const escaped = label.replace(/[()]/g, '\\$&');
  const match = new RegExp(`^\\s+${escaped}\\s+(http://\\S+)`, 'm').exec(stderr);
  if (!match) throw new Error(`no ${label} URL in the banner:\n${stderr}`);
  return match[1]!;
}

/** One replica: a `focus-kraliki <role>` child process, started again (same environment) by {@link restart}. */
export class Replica {
  child: CliChild;
  /** The URL its banner printed for its role, once {@link ready}. */
  url = '';

  constructor(
    readonly name: string,
    private readonly role: 'gateway' | 'subgraph' | 'worker',
    private readonly env: Record<string, string>,
  ) {
    this.child = new CliChild([role], env);
  }

  get origin(): string {
    return new URL(this.url).origin;
  }

  /** Resolves once the process printed its banner (it listens, and a worker consumes), with the bound URL read from it. */
  async ready(): Promise<this> {
    await this.child.waitForStderr('is ready', 120_000);
    this.url = bannerUrl(this.child.stderr, this.role === 'subgraph' ? 'planning' : this.role);
    return this;
  }

  /** `kill -9`: no shutdown of any kind, as a crashed machine or the OOM killer would stop it. */
  async killHard(): Promise<void> {
    this.child.signal('SIGKILL');
    await this.child.exited;
  }

  /** Starts the role again with the same environment (a new port, as 0 asks for any). */
  async restart(): Promise<this> {
    this.child = new CliChild([this.role], this.env);
    return this.ready();
  }
}

/**
 * Two gateways, two planning subgraphs and two workers as separate CLI processes on one real PostgreSQL database,
 * one Redis key prefix and one RabbitMQ topology, all of this test's own. Gateway A routes to subgraph 1 and
 * gateway B to subgraph 2 (SUBGRAPH_PLANNING_URL), so a request through each gateway reaches another replica.
 * Every port is 0: each role reports the address it bound in its banner.
 */
export interface ReplicaSet {
  gateways: [Replica, Replica];
  subgraphs: [Replica, Replica];
  workers: [Replica, Replica];
  /** The test's own connection to the shared database, for counting rows. */
  orm: MikroORM;
  topology: { exchange: string; queue: string; deadLetterExchange: string; deadLetterQueue: string };
  /** An access token for `userId` of `orgId`, signed with the gateways' key (as `focus-kraliki token mint` would). */
  tokenFor(userId: string, orgId: string, roles?: Role[]): Promise<string>;
  /** A user who can log in at either gateway. */
  addUser(email: string, password: string, orgId: string): Promise<void>;
  stop(): Promise<void>;
}

/** Settings every replica of every role shares, and the budgets the test measures. */
export interface ReplicaSettings {
  userBudgetPerMinute: number;
  loginAttemptsPerAccount: number;
  cacheSeconds: number;
}

/**
 * Creates the database (empty), the key, the topology names and the Redis prefix; `beforeWorkers` runs before any worker or subgraph starts (to bind a queue that must see every
 * event); then starts the subgraphs and workers, and the gateways once the subgraphs' addresses are known.
 */
export async function startReplicaSet(settings: ReplicaSettings, beforeWorkers: (topology: ReplicaSet['topology']) => Promise<void>): Promise<ReplicaSet> {
  const { redisUrl, rabbitmqUrl } = serviceSettings();
  const suffix = `replicas.${Date.now().toString(36)}.${randomBytes(3).toString('hex')}`;
  // Empty: the subgraphs and workers start at once on it and migrate it once between them (under the migration lock).
  const database: TestDatabase = await createTestDatabase();
  const keyFile = await writeGatewayKey();
  const dataDir = await mkdtemp(join(tmpdir(), 'replicas-'));
  const topology = {
    exchange: `platform.events.${suffix}`,
    queue: `planning.events.${suffix}`,
    deadLetterExchange: `platform.events.dlx.${suffix}`,
    deadLetterQueue: `planning.events.dead.${suffix}`,
  };
  // What must be the same on every replica (docs/scaling.md).
  const shared: Record<string, string> = {
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl!,
    REDIS_KEY_PREFIX: `test:${suffix}:`,
    RABBITMQ_URL: rabbitmqUrl!,
    EVENTS_EXCHANGE: topology.exchange,
    EVENTS_QUEUE: topology.queue,
    EVENTS_DEAD_LETTER_EXCHANGE: topology.deadLetterExchange,
    EVENTS_DEAD_LETTER_QUEUE: topology.deadLetterQueue,
    AUTH_PRIVATE_KEY_FILE: keyFile,
    PLANNING_CURSOR_SECRET: `replica-cursor-secret-${suffix}`,
    PLANNING_DATA_DIR: dataDir,
    GATEWAY_CACHE_SECONDS: String(settings.cacheSeconds),
    RATE_LIMIT_USER_PER_MIN: String(settings.userBudgetPerMinute),
    // Every request of the test comes from 127.0.0.1: the address budgets would measure the test, not the replicas.
    RATE_LIMIT_IP_PER_MIN: '0',
    LOGIN_ATTEMPTS_PER_ACCOUNT: String(settings.loginAttemptsPerAccount),
    LOGIN_ATTEMPTS_PER_IP: '1000',
    PORT: '0',
    PLANNING_PORT: '0',
    WORKER_PORT: '0',
  };
  const quiet = { ...shared, LOG_LEVEL: 'warn' };
  // The workers log each published and each handled event: the test reads which worker did what.
  const verbose = { ...shared, LOG_LEVEL: 'info' };

  await beforeWorkers(topology);
  const started: Replica[] = [];
  const start = (name: string, role: 'gateway' | 'subgraph' | 'worker', env: Record<string, string>) => {
    const replica = new Replica(name, role, env);
    started.push(replica);
    return replica;
  };
  let orm: MikroORM | undefined;
  const stop = async () => {
    for (const replica of started) await replica.child.kill();
    await orm?.close(true);
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(join(keyFile, '..'), { recursive: true, force: true });
  };
  try {
    const subgraphs = [start('subgraph 1', 'subgraph', quiet), start('subgraph 2', 'subgraph', quiet)] as [Replica, Replica];
    const workers = [start('worker 1', 'worker', verbose), start('worker 2', 'worker', verbose)] as [Replica, Replica];
    await Promise.all(subgraphs.map((s) => s.ready()));
    const gateways = [
      start('gateway A', 'gateway', { ...quiet, SUBGRAPH_PLANNING_URL: subgraphs[0].url }),
      start('gateway B', 'gateway', { ...quiet, SUBGRAPH_PLANNING_URL: subgraphs[1].url }),
    ] as [Replica, Replica];
    await Promise.all([...gateways, ...workers].map((r) => r.ready()));

    orm = await openOrm({ entities: PLANNING_ENTITIES, clientUrl: database.url, poolMax: 3 });
    const config = loadConfig(shared);
    const keys = await loadKeyRing({ privateKeyFile: keyFile });
    const issuer = new TokenIssuer(keys.current, config.auth.issuer, config.auth.audience);
    const users = new UserRepository(orm);
    return {
      gateways,
      subgraphs,
      workers,
      orm,
      topology,
      tokenFor: async (userId, orgId, roles = ['member']) => (await issuer.issue({ sub: userId, orgId, roles, ttlSeconds: 900 })).token,
      addUser: async (email, password, orgId) => {
        await users.add({ email, passwordHash: await hashPassword(password), orgId, roles: ['member'] });
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
