import { PLANNING_ENTITIES } from '../../../src/modules/planning-entities.js';
import { randomBytes, randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessRevocationStore, RedisRevocationStore, type RevocationStore } from '../../../src/gateway/auth/revocation-store.js';
import type { Role } from '../../../src/modules/common/caller.js';
import { migrateToLatest, openOrm } from '../../../src/platform/db/orm.js';
import { generatePrivateKeyPem, loadKeyRing, type KeyRing } from '../../../src/platform/identity/signing-keys.js';
import { TokenIssuer } from '../../../src/platform/identity/token-issuer.js';
import { TokenVerifier } from '../../../src/platform/identity/token-verifier.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { createRedisClient } from '../../../src/platform/redis/redis-client.js';
import { JwtCallerResolver } from '../../../src/subgraph/caller-from-request.js';
import { startPlanningSubgraph, type RunningPlanningSubgraph } from '../../../src/subgraph/planning-server.js';
import { redisReady, serviceSettings } from '../../testkit/services.js';
import { createTestDatabase, type TestDatabase } from '../../testkit/test-database.js';

const ISSUER = 'focus-kraliki';
const AUDIENCE = 'ocelot-platform';

/**
 * `PLANNING_TRUST_MODE=jwt`: the planning subgraph on its own, verifying the end user's bearer token itself
 * (and its revocation), with no gateway in front.
 */
describe('planning subgraph in jwt trust mode', () => {
  let database: TestDatabase;
  let orm: MikroORM;
  let keys: KeyRing;
  let redis: Redis | undefined;
  let revocations: RevocationStore;
  let subgraph: RunningPlanningSubgraph;
  let unavailable: RunningPlanningSubgraph;
  let issuer: TokenIssuer;

  const logger = createLogger('silent');
  const verifierFor = (ring: KeyRing) => new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 5, localJwks: ring.jwks });
  const startSubgraph = (resolver: JwtCallerResolver) =>
    startPlanningSubgraph({ orm, callers: resolver, cursorSecret: 'test-cursor-secret-0123456789', logger, isProduction: false, port: 0, host: '127.0.0.1' });

  beforeAll(async () => {
    database = await createTestDatabase();
    orm = await openOrm({ entities: PLANNING_ENTITIES, clientUrl: database.url, poolMax: database.kind === 'embedded' ? 1 : 5 });
    await migrateToLatest(orm);
    keys = await loadKeyRing({ privateKey: generatePrivateKeyPem() });
    issuer = new TokenIssuer(keys.current, ISSUER, AUDIENCE);
    const { redisUrl } = serviceSettings();
    redis = redisUrl ? createRedisClient(redisUrl, { keyPrefix: `test:${randomBytes(4).toString('hex')}:`, logger }) : undefined;
    if (redis) await redisReady(redis);
    revocations = redis ? new RedisRevocationStore(redis) : new InProcessRevocationStore();
    subgraph = await startSubgraph(new JwtCallerResolver(verifierFor(keys), revocations));
    const brokenStore = { isRevoked: async () => Promise.reject(new Error('connection refused')) };
    unavailable = await startSubgraph(new JwtCallerResolver(verifierFor(keys), brokenStore));
  });
  afterAll(async () => {
    await subgraph?.stop();
    await unavailable?.stop();
    redis?.disconnect();
    await orm?.close(true);
    await database?.drop();
  });

  const aCaller = () => ({ sub: `user-${randomUUID().slice(0, 8)}`, orgId: `org-${randomUUID().slice(0, 8)}`, roles: ['member'] as Role[] });

  async function post(url: string, authorization: string | undefined, query: string, variables?: Record<string, unknown>) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  it('when a valid end-user token is sent straight to the subgraph, then it answers as that user in that org', async () => {
    const caller = aCaller();
    const { token } = await issuer.issue({ ...caller, ttlSeconds: 300 });
    const created = await post(subgraph.url, `Bearer ${token}`, 'mutation { createTask(input: {title: "Direct"}) { id owner { id } } }');
    expect(created.status).toBe(200);
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data.createTask.owner).toEqual({ id: caller.sub });

    const list = await post(subgraph.url, `Bearer ${token}`, '{ tasks { totalCount edges { node { title } } } }');
    expect(list.body.data.tasks).toEqual({ totalCount: 1, edges: [{ node: { title: 'Direct' } }] });

    const { token: stranger } = await issuer.issue({ ...aCaller(), ttlSeconds: 300 });
    const other = await post(subgraph.url, `Bearer ${stranger}`, '{ tasks { totalCount } }');
    expect(other.body.data.tasks.totalCount).toBe(0);
  });

  it('when no token is sent, then the subgraph answers 401 UNAUTHENTICATED', async () => {
    const result = await post(subgraph.url, undefined, '{ tasks { totalCount } }');
    expect(result.status).toBe(401);
    expect(result.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(result.body.data ?? null).toBeNull();
  });

  it('when only X-User-Id and X-Org-Id headers are sent, then they are not trusted and the answer is 401', async () => {
    const response = await fetch(subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': 'user-1', 'x-org-id': 'org-1', 'x-roles': 'admin' },
      body: JSON.stringify({ query: '{ tasks { totalCount } }' }),
    });
    expect(response.status).toBe(401);
  });

  it('when the token is garbage, then the subgraph answers 401', async () => {
    const result = await post(subgraph.url, 'Bearer not.a.jwt', '{ tasks { totalCount } }');
    expect(result.status).toBe(401);
    expect(result.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('when the token is signed by a foreign key, then the subgraph answers 401', async () => {
    const foreign = await loadKeyRing({ privateKey: generatePrivateKeyPem() });
    const { token } = await new TokenIssuer(foreign.current, ISSUER, AUDIENCE).issue({ ...aCaller(), ttlSeconds: 300 });
    const result = await post(subgraph.url, `Bearer ${token}`, '{ tasks { totalCount } }');
    expect(result.status).toBe(401);
  });

  it('when the token is for another audience, then the subgraph answers 401', async () => {
    const { token } = await new TokenIssuer(keys.current, ISSUER, 'planning').issue({ ...aCaller(), ttlSeconds: 300 });
    const result = await post(subgraph.url, `Bearer ${token}`, '{ tasks { totalCount } }');
    expect(result.status).toBe(401);
  });

  it('when the token has expired, then the subgraph answers 401', async () => {
    const { token } = await issuer.issue({ ...aCaller(), ttlSeconds: 60 }, new Date(Date.now() - 10 * 60_000));
    const result = await post(subgraph.url, `Bearer ${token}`, '{ tasks { totalCount } }');
    expect(result.status).toBe(401);
  });

  it('when the token has been revoked, then the subgraph answers 401 although it worked before', async () => {
    const { token, jti } = await issuer.issue({ ...aCaller(), ttlSeconds: 300 });
    expect((await post(subgraph.url, `Bearer ${token}`, '{ tasks { totalCount } }')).status).toBe(200);
    await revocations.revoke(jti, 300);
    const result = await post(subgraph.url, `Bearer ${token}`, '{ tasks { totalCount } }');
    expect(result.status).toBe(401);
    expect(result.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('when the revocation store cannot be reached, then the subgraph fails closed with 503', async () => {
    const { token } = await issuer.issue({ ...aCaller(), ttlSeconds: 300 });
    const result = await post(unavailable.url, `Bearer ${token}`, '{ tasks { totalCount } }');
    expect(result.status).toBe(503);
    expect(result.body.data ?? null).toBeNull();
  });
});
