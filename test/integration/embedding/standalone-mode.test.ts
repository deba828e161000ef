import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlanningModule, type PlanningModule } from '../../../src/index.js';
import { generatePrivateKeyPem, parsePrivateKey, type SigningKey, toSigningKey } from '../../../src/platform/identity/signing-keys.js';
import { TokenIssuer } from '../../../src/platform/identity/token-issuer.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { call, listen } from '../../testkit/host-platform.js';
import { serviceSettings } from '../../testkit/services.js';
import { createTestDatabase, type TestDatabase } from '../../testkit/test-database.js';

describe('createPlanningModule standalone: the module verifies bearer tokens itself', () => {
  const keyPrefix = `planning-standalone-test-${randomUUID().slice(0, 8)}:`;
  let key: SigningKey;
  let issuer: TokenIssuer;
  let database: TestDatabase;
  let planning: PlanningModule;
  let host: Awaited<ReturnType<typeof listen>>;
  let redis: Redis | undefined;

  beforeAll(async () => {
    key = await toSigningKey(parsePrivateKey(generatePrivateKeyPem(), 'test key'));
    issuer = new TokenIssuer(key, 'focus-kraliki', 'ocelot-platform');
    database = await createTestDatabase();
    const { redisUrl } = serviceSettings();
    redis = redisUrl ? new Redis(redisUrl, { keyPrefix }) : undefined;
    planning = createPlanningModule({
      auth: { jwks: { keys: [key.publicJwk] } },
      database: database.url,
      redis: redisUrl ? { url: redisUrl, keyPrefix } : undefined,
      logger: createLogger('silent'),
    });
    await planning.startup();
    host = await listen((req, res) => void planning.handler(req, res));
  });

  afterAll(async () => {
    await host?.close();
    await planning?.shutdown();
    redis?.disconnect();
    await database?.drop();
  });

  const tokenFor = async (orgId: string) => (await issuer.issue({ sub: 'user-1', orgId, roles: ['member'], ttlSeconds: 900 })).token;

  it('when a request carries a token of the trusted issuer, then it is served for the token\'s org', async () => {
    const token = await tokenFor(`org-${randomUUID().slice(0, 8)}`);

    const created = await call(`${host.url}/api/planning/tasks`, { method: 'POST', token, body: { title: 'Standalone' } });

    expect(created).toMatchObject({ status: 200, body: { title: 'Standalone', userId: 'user-1' } });
    expect((await call(`${host.url}/api/planning/tasks`, { token })).body.total).toBe(1);
  });

  it('when a request has no token, or one signed by another key, then it is 401 with WWW-Authenticate', async () => {
    const foreign = await new TokenIssuer(await toSigningKey(parsePrivateKey(generatePrivateKeyPem(), 'other key')), 'focus-kraliki', 'ocelot-platform').issue({
      sub: 'user-1',
      orgId: 'org-x',
      roles: ['member'],
      ttlSeconds: 900,
    });

    const missing = await call(`${host.url}/api/planning/tasks`);
    const forged = await call(`${host.url}/api/planning/tasks`, { token: foreign.token });

    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(forged).toMatchObject({ status: 401, body: { reason: 'unknown_key' } });
  });

  it.runIf(serviceSettings().redisUrl)('when the gateway has revoked a token in the shared Redis, then the module refuses it', async () => {
    const { token, jti } = await issuer.issue({ sub: 'user-1', orgId: 'org-revoked', roles: ['member'], ttlSeconds: 900 });
    expect((await call(`${host.url}/api/planning/tasks`, { token })).status).toBe(200);

    await redis!.set(`revoked:${jti}`, '1', 'EX', 60);

    expect(await call(`${host.url}/api/planning/tasks`, { token })).toMatchObject({ status: 401, body: { reason: 'revoked' } });
  });
});
