import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SigningKey } from '../../../src/platform/identity/signing-keys.js';
import { startCountingHttpServer, type CountingHttpServer } from '../../testkit/counting-http-server.js';
import { accessClaims, signEdDsa, untrustedSigningKey } from '../../testkit/forged-tokens.js';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';

const CREATE_TASK = 'mutation { createTask(input: {title: "From a trusted issuer"}) { owner { id } } }';

/** Another platform issuer whose keys the gateway trusts through `AUTH_TRUSTED_JWKS_URLS`. */
describe('remote JWKS issuer', () => {
  let platform: TestPlatform;
  let jwksServer: CountingHttpServer;
  let remoteKey: SigningKey;

  beforeAll(async () => {
    remoteKey = await untrustedSigningKey();
    jwksServer = await startCountingHttpServer({ keys: [remoteKey.publicJwk] });
    platform = await startTestPlatform({ trustedJwksUrls: [jwksServer.url] });
  });
  afterAll(async () => {
    await platform?.close();
    await jwksServer?.close();
  });

  it('when a token is signed by the trusted issuer key, then the gateway accepts it', async () => {
    const token = await signEdDsa(remoteKey, accessClaims({ sub: 'user-remote', org_id: 'org-remote' }));
    const response = await platform.gql(token, CREATE_TASK);

    expect(response.status).toBe(200);
    expect(response.body.data.createTask.owner).toEqual({ id: 'user-remote' });
    expect(jwksServer.hits).toBeGreaterThanOrEqual(1);
  });

  it('when 20 tokens carry random unknown kids, then all get 401 and the JWKS is fetched at most twice more', async () => {
    const hitsBefore = jwksServer.hits;
    const tokens = await Promise.all(
      Array.from({ length: 20 }, async () => signEdDsa(await untrustedSigningKey(), accessClaims(), { kid: randomUUID() })),
    );

    const responses = await Promise.all(tokens.map((token) => platform.gql(token, CREATE_TASK)));

    for (const response of responses) {
      expect(response.status).toBe(401);
      expect(response.body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'unknown_key' });
    }
    expect(jwksServer.hits - hitsBefore).toBeLessThanOrEqual(2);
    // One by one, too: the cooldown holds for sequential probes as well.
    for (const token of tokens.slice(0, 5)) expect((await platform.gql(token, CREATE_TASK)).status).toBe(401);
    expect(jwksServer.hits - hitsBefore).toBeLessThanOrEqual(2);
  });

  it('when the trusted issuer key signs a token for another audience or issuer, then it is refused', async () => {
    for (const overrides of [{ aud: 'somewhere-else' }, { iss: 'another-issuer' }]) {
      const response = await platform.gql(await signEdDsa(remoteKey, accessClaims(overrides)), CREATE_TASK);
      expect(response.status).toBe(401);
      expect(response.body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'invalid_claims' });
    }
  });
});
