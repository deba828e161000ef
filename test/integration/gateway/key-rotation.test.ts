import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePrivateKeyPem, loadKeyRing, parsePrivateKey, type SigningKey, toSigningKey } from '../../../src/platform/identity/signing-keys.js';
import { TokenIssuer } from '../../../src/platform/identity/token-issuer.js';
import { untrustedSigningKey } from '../../testkit/forged-tokens.js';
import { startTestPlatform, TEST_AUDIENCE, TEST_ISSUER, type TestPlatform } from '../../testkit/platform-app.js';

const CREATE_TASK = 'mutation { createTask(input: {title: "Signed across a rotation"}) { id owner { id } } }';

describe('key rotation', () => {
  let platform: TestPlatform;
  let dir: string;
  let previousKey: SigningKey;

  const issueWith = (key: SigningKey, sub: string) =>
    new TokenIssuer(key, TEST_ISSUER, TEST_AUDIENCE).issue({ sub, orgId: 'org-rotation', roles: ['member'], ttlSeconds: 900 }).then((t) => t.token);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'key-rotation-'));
    previousKey = await toSigningKey(parsePrivateKey(generatePrivateKeyPem(), 'previous key'));
    const additionalPublicKeysFile = join(dir, 'previous-keys.jwks.json');
    await writeFile(additionalPublicKeysFile, JSON.stringify({ keys: [previousKey.publicJwk] }));
    const keys = await loadKeyRing({ privateKey: generatePrivateKeyPem(), additionalPublicKeysFile });
    platform = await startTestPlatform({ keys });
  });
  afterAll(async () => {
    await platform?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('when tokens are signed by the previous key and by the current key, then both are accepted', async () => {
    for (const [key, sub] of [
      [previousKey, 'user-old-key'],
      [platform.keys.current, 'user-new-key'],
    ] as const) {
      const response = await platform.gql(await issueWith(key, sub), CREATE_TASK);
      expect(response.status).toBe(200);
      expect(response.body.data.createTask.owner).toEqual({ id: sub });
    }
  });

  it('when the JWKS is fetched, then it lists the current and the previous public keys, and no private part', async () => {
    const response = await fetch(`${platform.gateway.origin}/.well-known/jwks.json`);
    const jwks = (await response.json()) as { keys: Array<Record<string, unknown>> };

    expect(response.status).toBe(200);
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual([platform.keys.current.kid, previousKey.kid].sort());
    expect(previousKey.kid).not.toBe(platform.keys.current.kid);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
      expect(key.d).toBeUndefined();
    }
  });

  it('when a token is signed by a key that is not in the ring, then it is refused with 401', async () => {
    const response = await platform.gql(await issueWith(await untrustedSigningKey(), 'user-stranger'), CREATE_TASK);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    expect(response.body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'unknown_key' });
  });
});
