import { PLANNING_ENTITIES } from '../../../src/modules/planning-entities.js';
import { HeaderCallerResolver } from '../../../src/subgraph/caller-from-request.js';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.js';
import { startCommsSubgraph } from '../../../src/examples/comms/comms.subgraph.js';
import { startGatewayRole } from '../../../src/main/gateway-role.js';
import { startSubgraphRole } from '../../../src/main/subgraph-role.js';
import { openDatabase, type Database } from '../../../src/platform/db/database.js';
import { generatePrivateKeyPem, loadKeyRing } from '../../../src/platform/identity/signing-keys.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { AmqpEventBus } from '../../../src/platform/messaging/amqp-event-bus.js';
import { suffixedTopology } from '../../../src/platform/messaging/event-bus.js';
import { serviceSettings } from '../../testkit/services.js';
import { TcpProxy } from '../../testkit/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../../testkit/test-database.js';

const { redisUrl, rabbitmqUrl } = serviceSettings();
const logger = createLogger('silent');

const proxyTo = (url: string) => {
  const parsed = new URL(url);
  return new TcpProxy(parsed.hostname, Number(parsed.port)).start();
};

async function readiness(origin: string): Promise<{ status: number; body: any }> {
  const response = await fetch(new URL('/ready', origin), { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: await response.json() };
}

/** Polls `/ready` until it answers `status` (readiness follows reconnects, which take a moment). */
async function eventuallyReadiness(origin: string, status: number, timeoutMs = 15_000) {
  let last = await readiness(origin);
  for (const deadline = Date.now() + timeoutMs; last.status !== status && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await readiness(origin);
  }
  return last;
}

/**
 * The gateway and planning subgraph roles, built by their composition roots, with PostgreSQL, Redis and RabbitMQ
 * (when set) reached through proxies this file controls.
 */
describe('readiness and health of the gateway and the planning subgraph', () => {
  let testDatabase: TestDatabase;
  let dataDir: string;
  let database: Database;
  const proxies: Record<string, TcpProxy> = {};
  let bus: AmqpEventBus | undefined;
  let subgraph: Awaited<ReturnType<typeof startSubgraphRole>>;
  let comms: Awaited<ReturnType<typeof startCommsSubgraph>>;
  let gateway: Awaited<ReturnType<typeof startGatewayRole>>;
  let subgraphOrigin: string;

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'readiness-'));
    proxies.postgres = await proxyTo(testDatabase.url);
    if (redisUrl) proxies.redis = await proxyTo(redisUrl);
    if (rabbitmqUrl) proxies.rabbitmq = await proxyTo(rabbitmqUrl);
    comms = await startCommsSubgraph({ port: 0, callers: new HeaderCallerResolver() });
    const config = loadConfig({
      PORT: '0',
      PLANNING_PORT: '0',
      PLANNING_TRUST_MODE: 'headers',
      PLANNING_DATA_DIR: dataDir,
      DATABASE_URL: proxies.postgres.urlFor(testDatabase.url),
      DATABASE_POOL_MAX: testDatabase.kind === 'embedded' ? '1' : '2',
      ...(redisUrl ? { REDIS_URL: proxies.redis!.urlFor(redisUrl), REDIS_KEY_PREFIX: `test:${randomBytes(4).toString('hex')}:` } : {}),
      SUBGRAPH_COMMS_URL: comms.url,
    });
    database = await openDatabase({ entities: PLANNING_ENTITIES, databaseUrl: config.databaseUrl, poolMax: config.databasePoolMax, dataDir, logger });
    if (rabbitmqUrl) bus = new AmqpEventBus(proxies.rabbitmq!.urlFor(rabbitmqUrl), suffixedTopology(`ready-${randomBytes(4).toString('hex')}`), logger);
    subgraph = await startSubgraphRole(config, logger, database, undefined, undefined, bus);
    subgraphOrigin = new URL(subgraph.url).origin;
    const keys = await loadKeyRing({ privateKey: generatePrivateKeyPem() });
    gateway = await startGatewayRole({ ...config, subgraphUrls: { planning: subgraph.url, comms: comms.url } }, logger, database, keys);
    // The AMQP connection comes up in the background.
    if (bus) await eventuallyReadiness(subgraphOrigin, 200);
  });

  afterAll(async () => {
    await gateway?.stop();
    await subgraph?.stop();
    await comms?.stop();
    await bus?.close();
    await database?.close();
    for (const proxy of Object.values(proxies)) await proxy.stop();
    await testDatabase?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('when every dependency answers, then /ready is 200 on both and lists each checked dependency', async () => {
    const gatewayReady = await readiness(gateway.gateway.origin);
    expect(gatewayReady).toEqual({
      status: 200,
      body: { status: 'ready', checks: { postgres: 'ok', ...(redisUrl ? { redis: 'ok' } : {}), 'subgraph:planning': 'ok', 'subgraph:comms': 'ok' } },
    });
    const subgraphReady = await readiness(subgraphOrigin);
    expect(subgraphReady).toEqual({ status: 200, body: { status: 'ready', checks: { postgres: 'ok', ...(rabbitmqUrl ? { rabbitmq: 'ok' } : {}) } } });
  });

  it('when PostgreSQL is cut, then both /ready answer 503 naming postgres while /health stays 200; restored, 200 again', async () => {
    proxies.postgres!.cut();
    try {
      for (const origin of [gateway.gateway.origin, subgraphOrigin]) {
        const ready = await eventuallyReadiness(origin, 503);
        expect(ready.status).toBe(503);
        expect(ready.body.status).toBe('unavailable');
        expect(Object.keys(ready.body.failing)).toEqual(['postgres']);
        expect(ready.body.checks.postgres).toBe('down');
        expect((await fetch(new URL('/health', origin))).status).toBe(200);
      }
    } finally {
      proxies.postgres!.restore();
    }
    expect((await eventuallyReadiness(gateway.gateway.origin, 200)).status).toBe(200);
    expect((await eventuallyReadiness(subgraphOrigin, 200)).status).toBe(200);
  }, 45_000);

  it.skipIf(!redisUrl)('when Redis is cut, then the gateway /ready answers 503 naming redis; restored, 200 again', async () => {
    proxies.redis!.cut();
    try {
      const ready = await eventuallyReadiness(gateway.gateway.origin, 503);
      expect(ready.status).toBe(503);
      expect(Object.keys(ready.body.failing)).toEqual(['redis']);
      expect(ready.body.checks).toEqual({ postgres: 'ok', redis: 'down', 'subgraph:planning': 'ok', 'subgraph:comms': 'ok' });
    } finally {
      proxies.redis!.restore();
    }
    expect((await eventuallyReadiness(gateway.gateway.origin, 200)).status).toBe(200);
  }, 45_000);

  it.skipIf(!rabbitmqUrl)('when RabbitMQ is cut, then the subgraph /ready answers 503 naming rabbitmq; restored, 200 again', async () => {
    proxies.rabbitmq!.cut();
    try {
      const ready = await eventuallyReadiness(subgraphOrigin, 503);
      expect(ready.status).toBe(503);
      expect(Object.keys(ready.body.failing)).toEqual(['rabbitmq']);
      expect(ready.body.failing.rabbitmq).toMatch(/not connected/);
    } finally {
      proxies.rabbitmq!.restore();
    }
    expect((await eventuallyReadiness(subgraphOrigin, 200)).status).toBe(200);
  }, 45_000);

  it('when the gateway /health is asked, then it lists every module; a stopped subgraph shows as down while the gateway stays ok', async () => {
    const before = await (await fetch(new URL('/health', gateway.gateway.origin))).json();
    expect(before.status).toBe('ok');
    expect(before.modules.planning).toMatchObject({ status: 'ok', url: new URL('/health', subgraph.url).toString() });
    expect(before.modules.comms).toMatchObject({ status: 'ok', url: new URL('/health', comms.url).toString() });

    await comms.stop();
    const response = await fetch(new URL('/health', gateway.gateway.origin));
    expect(response.status).toBe(200);
    const after = await response.json();
    expect(after.status).toBe('ok');
    expect(after.modules.planning.status).toBe('ok');
    expect(after.modules.comms.status).toBe('down');
    expect(after.modules.comms.error).toMatch(/ECONNREFUSED/);
  });
});
