import { createPublicKey, randomBytes, sign } from 'node:crypto';
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthFailureReason } from '../../../src/platform/identity/auth-errors.js';
import { startCountingHttpServer, type CountingHttpServer } from '../../testkit/counting-http-server.js';
import { accessClaims, signEdDsa, untrustedSigningKey, withPayload } from '../../testkit/forged-tokens.js';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';

/** Every bad credential claims this org; nothing may ever be written there. */
const VICTIM_ORG = 'org-victim';
const CREATE_TASK = 'mutation { createTask(input: {title: "Written by a bad credential"}) { id } }';
const COUNT_TASKS = '{ tasks { totalCount } }';

interface BadCredential {
  name: string;
  /** The full `Authorization` header value; undefined sends none. */
  authorization(): Promise<string | undefined>;
  reason: AuthFailureReason;
}

describe('gateway token verification', () => {
  let platform: TestPlatform;
  let jkuServer: CountingHttpServer;
  let x5uServer: CountingHttpServer;

  const gatewayKey = () => platform.keys.current;
  const victimClaims = (overrides: Record<string, unknown> = {}) => accessClaims({ sub: 'user-victim', org_id: VICTIM_ORG, ...overrides });
  const bearer = (token: string) => `Bearer ${token}`;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    platform = await startTestPlatform();
    const attacker = await untrustedSigningKey();
    jkuServer = await startCountingHttpServer({ keys: [attacker.publicJwk] });
    x5uServer = await startCountingHttpServer('-----BEGIN CERTIFICATE-----', '/cert.pem');
  });
  afterAll(async () => {
    await jkuServer?.close();
    await x5uServer?.close();
    await platform?.close();
  });

  const cases: BadCredential[] = [
    { name: 'no Authorization header', authorization: async () => undefined, reason: 'missing_token' },
    { name: 'an empty Authorization header', authorization: async () => '', reason: 'missing_token' },
    { name: 'a Basic credential', authorization: async () => 'Basic x', reason: 'malformed_token' },
    { name: 'the word Bearer alone', authorization: async () => 'Bearer', reason: 'malformed_token' },
    { name: 'a two-part token', authorization: async () => 'Bearer a.b', reason: 'malformed_token' },
    { name: 'random base64', authorization: async () => bearer(randomBytes(96).toString('base64')), reason: 'malformed_token' },
    {
      name: 'an unsecured token (alg none)',
      authorization: async () => bearer(new UnsecuredJWT(victimClaims()).encode()),
      reason: 'unsupported_algorithm',
    },
    {
      name: 'an HS256 token keyed with the gateway public key',
      authorization: async () => {
        const publicPem = createPublicKey(gatewayKey().privateKey).export({ type: 'spki', format: 'pem' }).toString();
        const token = await new SignJWT(victimClaims())
          .setProtectedHeader({ alg: 'HS256', kid: gatewayKey().kid, typ: 'JWT' })
          .sign(new TextEncoder().encode(publicPem));
        return bearer(token);
      },
      reason: 'unsupported_algorithm',
    },
    ...(['RS256', 'ES256'] as const).map(
      (alg): BadCredential => ({
        name: `an ${alg} token carrying the gateway kid`,
        authorization: async () => {
          const { privateKey } = await generateKeyPair(alg);
          return bearer(await new SignJWT(victimClaims()).setProtectedHeader({ alg, kid: gatewayKey().kid }).sign(privateKey));
        },
        reason: 'unsupported_algorithm',
      }),
    ),
    {
      name: 'a genuine token whose signature is cut short',
      authorization: async () => {
        const token = await signEdDsa(gatewayKey(), victimClaims());
        return bearer(token.slice(0, -10));
      },
      reason: 'bad_signature',
    },
    {
      name: 'a genuine token whose signature is another token\'s',
      authorization: async () => {
        const [header, payload] = (await signEdDsa(gatewayKey(), victimClaims())).split('.');
        const other = (await signEdDsa(gatewayKey(), victimClaims({ sub: 'someone-else' }))).split('.')[2];
        return bearer(`${header}.${payload}.${other}`);
      },
      reason: 'bad_signature',
    },
    {
      name: 'a gateway-signed token with a crit header',
      authorization: async () => {
        // jose refuses to sign an unknown critical extension, so the token is put together by hand.
        const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const input = `${part({ alg: 'EdDSA', kid: gatewayKey().kid, typ: 'JWT', crit: ['x-must-understand'], 'x-must-understand': true })}.${part(victimClaims())}`;
        return bearer(`${input}.${sign(null, Buffer.from(input), gatewayKey().privateKey).toString('base64url')}`);
      },
      reason: 'malformed_token',
    },
    {
      name: 'an EdDSA token from an untrusted key using the gateway kid',
      authorization: async () => bearer(await signEdDsa(await untrustedSigningKey(), victimClaims(), { kid: gatewayKey().kid })),
      reason: 'bad_signature',
    },
    {
      name: 'an EdDSA token from an untrusted key with its own kid',
      authorization: async () => bearer(await signEdDsa(await untrustedSigningKey(), victimClaims())),
      reason: 'unknown_key',
    },
    {
      name: 'a genuine token whose org_id was changed',
      authorization: async () => {
        const claims = accessClaims({ sub: 'user-victim', org_id: 'org-tamper-source' });
        const genuine = await signEdDsa(gatewayKey(), claims);
        return bearer(withPayload(genuine, { ...claims, org_id: VICTIM_ORG }));
      },
      reason: 'bad_signature',
    },
    {
      name: 'a token expired beyond the clock tolerance',
      authorization: async () => bearer(await signEdDsa(gatewayKey(), victimClaims({ iat: now() - 1000, exp: now() - 31 - 30 }))),
      reason: 'expired',
    },
    {
      name: 'a token whose nbf is in the future',
      authorization: async () => bearer(await signEdDsa(gatewayKey(), victimClaims({ nbf: now() + 120 }))),
      reason: 'not_yet_valid',
    },
    {
      name: 'a token issued a year in the future',
      authorization: async () => bearer(await signEdDsa(gatewayKey(), victimClaims({ iat: now() + 365 * 86_400, exp: now() + 365 * 86_400 + 900 }))),
      reason: 'not_yet_valid',
    },
    {
      name: 'a token claiming a lifetime of 100 years',
      authorization: async () => bearer(await signEdDsa(gatewayKey(), victimClaims({ exp: now() + 100 * 365 * 86_400 }))),
      reason: 'invalid_claims',
    },
    {
      name: 'a token issued two days ago that has not expired yet (older than the accepted age)',
      authorization: async () => bearer(await signEdDsa(gatewayKey(), victimClaims({ iat: now() - 2 * 86_400, exp: now() + 600 }))),
      reason: 'expired',
    },
    {
      name: 'a genuine token whose signature is spelled in non-canonical base64url (same bytes)',
      authorization: async () => {
        const token = await signEdDsa(gatewayKey(), victimClaims());
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        // The last of 86 characters carries 2 bits of the signature and 4 unused ones: setting one gives the same bytes.
        const last = alphabet[alphabet.indexOf(token.at(-1)!) + 1]!;
        const respelled = `${token.slice(0, -1)}${last}`;
        expect(Buffer.from(respelled.split('.')[2]!, 'base64url')).toEqual(Buffer.from(token.split('.')[2]!, 'base64url'));
        return bearer(respelled);
      },
      reason: 'bad_signature',
    },
    {
      name: 'a token of another issuer',
      authorization: async () => bearer(await signEdDsa(gatewayKey(), victimClaims({ iss: 'someone-else' }))),
      reason: 'invalid_claims',
    },
    {
      name: 'a token for another audience',
      authorization: async () => bearer(await signEdDsa(gatewayKey(), victimClaims({ aud: 'planning' }))),
      reason: 'invalid_claims',
    },
    ...(['jti', 'org_id', 'sub'] as const).map(
      (claim): BadCredential => ({
        name: `a token without ${claim}`,
        authorization: async () => bearer(await signEdDsa(gatewayKey(), victimClaims({ [claim]: undefined }))),
        reason: 'invalid_claims',
      }),
    ),
    {
      name: 'a token with a kid nobody knows',
      authorization: async () => bearer(await signEdDsa(gatewayKey(), victimClaims(), { kid: 'no-such-key' })),
      reason: 'unknown_key',
    },
    {
      name: 'a token pointing jku at an attacker JWKS',
      authorization: async () => {
        const attacker = await untrustedSigningKey();
        return bearer(await signEdDsa(attacker, victimClaims(), { jku: jkuServer.url }));
      },
      reason: 'forbidden_header',
    },
    {
      name: 'a gateway-signed token carrying a jku header',
      authorization: async () => bearer(await signEdDsa(gatewayKey(), victimClaims(), { jku: jkuServer.url })),
      reason: 'forbidden_header',
    },
    {
      name: 'a token carrying an x5u header',
      authorization: async () => bearer(await signEdDsa(gatewayKey(), victimClaims(), { x5u: x5uServer.url })),
      reason: 'forbidden_header',
    },
    {
      name: 'a token embedding its own jwk',
      authorization: async () => {
        const attacker = await untrustedSigningKey();
        const { kid: _kid, ...jwk } = attacker.publicJwk;
        return bearer(await signEdDsa(attacker, victimClaims(), { jwk: jwk as never, kid: gatewayKey().kid }));
      },
      reason: 'forbidden_header',
    },
    {
      name: 'a 10 KB token',
      authorization: async () => bearer(await signEdDsa(gatewayKey(), victimClaims({ padding: 'x'.repeat(10 * 1024) }))),
      reason: 'token_too_large',
    },
  ];

  it.each(cases)('when the credential is $name, then the gateway answers 401 Bearer with reason $reason', async ({ authorization, reason }) => {
    const header = await authorization();
    const response = await fetch(platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(header === undefined ? {} : { authorization: header }) },
      body: JSON.stringify({ query: CREATE_TASK }),
    });
    const body = await response.json();

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    expect(body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason });
    expect(body.data).toBeUndefined();
  });

  it('when tokens carry jku or x5u URLs, then the gateway never fetches them', async () => {
    const token = await signEdDsa(gatewayKey(), victimClaims(), { jku: jkuServer.url, x5u: x5uServer.url });
    const response = await platform.gql(token, COUNT_TASKS);

    expect(response.status).toBe(401);
    expect(jkuServer.hits).toBe(0);
    expect(x5uServer.hits).toBe(0);
  });

  it('when every bad credential has been tried, then nothing was written to the orgs they claimed', async () => {
    for (const { authorization } of cases) {
      const header = await authorization();
      await platform.gql(null, CREATE_TASK, undefined, header === undefined ? {} : { authorization: header });
    }

    for (const org of [VICTIM_ORG, 'org-tamper-source', 'org-forged']) {
      const counted = await platform.gql(await platform.mintToken({ org_id: org }), COUNT_TASKS);
      expect(counted.status).toBe(200);
      expect(counted.body.data.tasks.totalCount).toBe(0);
    }
    // The count can see a write: a valid token of the victim org creates one task.
    const valid = await platform.mintToken({ sub: 'user-victim', org_id: VICTIM_ORG });
    expect((await platform.gql(valid, CREATE_TASK)).status).toBe(200);
    expect((await platform.gql(valid, COUNT_TASKS)).body.data.tasks.totalCount).toBe(1);
  });

  it('when a token is exactly as the gateway issues it, then the same request succeeds (control)', async () => {
    const token = await signEdDsa(gatewayKey(), accessClaims({ org_id: 'org-control' }));
    const response = await platform.gql(token, CREATE_TASK);

    expect(response.status).toBe(200);
    expect(response.body.data.createTask.id).toEqual(expect.any(String));
  });

  it('when a token expired less than the clock tolerance ago, then it is still accepted', async () => {
    const token = await signEdDsa(gatewayKey(), accessClaims({ org_id: 'org-control', iat: now() - 900, exp: now() - 10 }));
    const response = await platform.gql(token, COUNT_TASKS);

    expect(response.status).toBe(200);
  });
});
