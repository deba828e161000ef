import { randomUUID } from 'node:crypto';
import { type JWTHeaderParameters, type JWTPayload, SignJWT } from 'jose';
import { generatePrivateKeyPem, parsePrivateKey, type SigningKey, toSigningKey } from '../../src/platform/identity/signing-keys.js';
import { TEST_AUDIENCE, TEST_ISSUER } from './platform-app.js';

/** A fresh Ed25519 key the platform does not trust (an attacker's, or a key rotated out). */
export async function untrustedSigningKey(): Promise<SigningKey> {
  return toSigningKey(parsePrivateKey(generatePrivateKeyPem(), 'test key'));
}

/** Claims of a well-formed access token, valid for 15 minutes from now; pass `undefined` values to drop claims. */
export function accessClaims(overrides: Record<string, unknown> = {}): JWTPayload {
  const iat = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: TEST_ISSUER,
    aud: TEST_AUDIENCE,
    sub: 'user-forged',
    org_id: 'org-forged',
    roles: ['member'],
    jti: randomUUID(),
    iat,
    exp: iat + 900,
    ...overrides,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims as JWTPayload;
}

/**
 * Signs `claims` exactly as given (no defaults added by jose) with an Ed25519 key. The header defaults to
 * `{alg: 'EdDSA', kid: key.kid, typ: 'JWT'}`; `header` overrides or extends it (`kid`, `jku`, `jwk`, ...).
 */
export async function signEdDsa(key: SigningKey, claims: JWTPayload, header: Partial<JWTHeaderParameters> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT', ...header }).sign(key.privateKey);
}

/** Replaces the payload of a compact JWS, keeping its header and signature (a tampered token). */
export function withPayload(token: string, payload: JWTPayload): string {
  const [header, , signature] = token.split('.');
  return `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}
