import { PLANNING_ENTITIES } from '../../../src/modules/planning-entities.js';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.js';
import { startGatewayRole } from '../../../src/main/gateway-role.js';
import { openDatabase, type Database } from '../../../src/platform/db/database.js';
import { generatePrivateKeyPem, loadKeyRing, type KeyRing } from '../../../src/platform/identity/signing-keys.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { type CountingHttpServer, startCountingHttpServer } from '../../testkit/counting-http-server.js';
import { serviceSettings } from '../../testkit/services.js';
import { createTestDatabase, type TestDatabase } from '../../testkit/test-database.js';
import { freePort } from './cli-child.js';

const { redisUrl } = serviceSettings();
const logger = createLogger('silent');

async function readiness(origin: string): Promise<{ status: number; body: any }> {
  const response = await fetch(new URL('/ready', origin), { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: await response.json() };
}

/** A server that accepts connections and never answers (a subgraph stuck on something). */
async function startSilentServer(): Promise<{ url: string; server: Server }> {
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server };
}

/**
 * The gateway role's `/ready` over the subgraphs it routes to: stand-in subgraphs this file controls (the gateway
 * asks each one's `/health`), the real PostgreSQL and Redis behind the rest of its checks.
 */
describe('gateway /ready and the subgraphs it routes to', () => {
  let testDatabase: TestDatabase;
  let dataDir: string;
  let database: Database;
  let keys: KeyRing;
  const stops: Array<() => Promise<unknown>> = [];

  const startGateway = async (subgraphUrls: Record<string, string>) => {
    const config = loadConfig({
      PORT: '0',
      PLANNING_DATA_DIR: dataDir,
      DATABASE_URL: testDatabase.url,
      DATABASE_POOL_MAX: testDatabase.kind === 'embedded' ? '1' : '2',
      ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `test:${randomBytes(4).toString('hex')}:` } : {}),
    });
    const gateway = await startGatewayRole({ ...config, subgraphUrls }, logger, database, keys);
    stops.push(() => gateway.stop());
    return gateway.gateway.origin;
  };

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'subgraph-readiness-'));
    database = await openDatabase({ entities: PLANNING_ENTITIES, databaseUrl: testDatabase.url, poolMax: testDatabase.kind === 'embedded' ? 1 : 2, dataDir, logger });
    keys = await loadKeyRing({ privateKey: generatePrivateKeyPem() });
  });

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await database?.close();
    await testDatabase?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('when both subgraphs answer', () => {
    let planning: CountingHttpServer;
    let comms: CountingHttpServer;
    let origin: string;

    beforeAll(async () => {
      planning = await startCountingHttpServer({ status: 'ok' }, '/graphql');
      comms = await startCountingHttpServer({ status: 'ok' }, '/graphql');
      stops.push(() => planning.close(), () => comms.close());
      origin = await startGateway({ planning: planning.url, comms: comms.url });
    });

    it('then /ready is 200 listing each subgraph, and a repeated probe within the cache time asks neither subgraph again', async () => {
      const first = await readiness(origin);
      expect(first).toEqual({
        status: 200,
        body: { status: 'ready', checks: { postgres: 'ok', ...(redisUrl ? { redis: 'ok' } : {}), 'subgraph:planning': 'ok', 'subgraph:comms': 'ok' } },
      });
      expect([planning.hits, comms.hits]).toEqual([1, 1]);

      const again = await readiness(origin);
      expect(again.status).toBe(200);
      expect([planning.hits, comms.hits]).toEqual([1, 1]);
    });

    it('then, once one stops answering, /ready turns 503 naming it (after the cached answer expires) while /health stays 200', async () => {
      await comms.close();
      let last = await readiness(origin);
      for (const deadline = Date.now() + 10_000; last.status !== 503 && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        last = await readiness(origin);
      }
      expect(last.status).toBe(503);
      expect(last.body.status).toBe('unavailable');
      expect(Object.keys(last.body.failing)).toEqual(['subgraph:comms']);
      expect(last.body.failing['subgraph:comms']).toMatch(/ECONNREFUSED/);
      expect(last.body.checks).toMatchObject({ postgres: 'ok', 'subgraph:planning': 'ok', 'subgraph:comms': 'down' });

      const health = await fetch(new URL('/health', origin));
      expect(health.status).toBe(200);
      expect((await health.json()).status).toBe('ok');
    });
  });

  it('when one subgraph refuses connections and another never answers, then the first /ready is 503 naming both (refused; timed out), and /health stays 200', async () => {
    const silent = await startSilentServer();
    stops.push(
      () =>
        new Promise((resolve) => {
          silent.server.closeAllConnections();
          silent.server.close(resolve);
        }),
    );
    // Nothing listens there any more: connections are refused.
    const refusing = `http://127.0.0.1:${await freePort()}/graphql`;
    const origin = await startGateway({ planning: refusing, comms: silent.url });

    const ready = await readiness(origin);
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toMatchObject({ postgres: 'ok', 'subgraph:planning': 'down', 'subgraph:comms': 'down' });
    expect(ready.body.failing['subgraph:planning']).toMatch(/ECONNREFUSED/);
    expect(ready.body.failing['subgraph:comms']).toMatch(/time/i);
    expect((await fetch(new URL('/health', origin))).status).toBe(200);
  });
});
