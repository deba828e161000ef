import { createHash, randomUUID, sign } from 'node:crypto';
import { ROLES, type Caller, type Role } from './caller.js';
import { sortedKeysJson } from '../json/canonical-json.js';
import { AuthenticationError } from './auth-errors.js';
import type { SigningKey } from './signing-keys.js';
import type { TokenVerifier } from './token-verifier.js';

/** Lifetime of a gateway-signed context: long enough for one subgraph fetch, short enough to be useless later. */
export const CONTEXT_TTL_SECONDS = 60;

/**
 * Clock skew allowed between the gateway that signs a context and the subgraph that checks it (hosts of one
 * deployment): a captured context is accepted at most {@link CONTEXT_TTL_SECONDS} + this after it was signed.
 */
export const CONTEXT_CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Hash binding a context token to the one GraphQL request it was signed for (query + variables), so a captured
 * token cannot be replayed with another operation.
 */
export function requestBodyHash(query: string | undefined, variables: unknown): string {
  return createHash('sha256')
    .update(sortedKeysJson({ query: query ?? '', variables: variables ?? {} }))
    .digest('base64url');
}

export interface ContextFacts {
  caller: Caller;
  requestId: string;
  /** The subgraph's name: the token's audience. */
  audience: string;
  bodyHash: string;
}

/**
 * Gateway side: signs the `X-Platform-Context` token for one subgraph fetch: a compact EdDSA JWS (RFC 7515/8037).
 * Signed with node:crypto directly because this runs on every subgraph fetch: jose's WebCrypto path cost several
 * times more CPU per signature in the bench. Verification (subgraph side, {@link TokenVerifier}) checks the signature
 * with node:crypto too and leaves key selection and the claims to jose.
 */
export function signPlatformContext(key: SigningKey, issuer: string, facts: ContextFacts, now = Date.now()): string {
  const iat = Math.floor(now / 1000);
  const header = { alg: 'EdDSA', kid: key.kid, typ: 'JWT' };
  const claims = {
    org_id: facts.caller.orgId,
    roles: facts.caller.roles,
    rid: facts.requestId,
    bh: facts.bodyHash,
    iss: issuer,
    aud: facts.audience,
    sub: facts.caller.userId,
    jti: randomUUID(),
    iat,
    exp: iat + CONTEXT_TTL_SECONDS,
  };
  const signingInput = `${base64url(header)}.${base64url(claims)}`;
  return `${signingInput}.${sign(null, Buffer.from(signingInput), key.privateKey).toString('base64url')}`;
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Subgraph side: verifies a context token and that it was signed for this very request. */
export async function verifyPlatformContext(
  verifier: TokenVerifier,
  token: string,
  expected: { audience: string; bodyHash: string },
): Promise<{ caller: Caller; requestId: string | undefined; tokenId: string }> {
  let payload;
  try {
    payload = await verifier.verify(token, expected.audience);
  } catch (error) {
    const reason = error instanceof AuthenticationError ? error.reason : 'malformed_token';
    throw new AuthenticationError('invalid_context', `Platform context rejected (${reason})`);
  }
  if (payload.bh !== expected.bodyHash) {
    throw new AuthenticationError('invalid_context', 'Platform context was signed for another request');
  }
  if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number' || payload.exp - payload.iat > CONTEXT_TTL_SECONDS) {
    throw new AuthenticationError('invalid_context', 'Platform context lifetime is too long');
  }
  const orgId = payload.org_id;
  if (typeof payload.sub !== 'string' || typeof orgId !== 'string') {
    throw new AuthenticationError('invalid_context', 'Platform context lacks the caller');
  }
  const roles = (Array.isArray(payload.roles) ? payload.roles : []).filter((r): r is Role => (ROLES as readonly string[]).includes(String(r)));
  return { caller: { userId: payload.sub, orgId, roles }, requestId: typeof payload.rid === 'string' ? payload.rid : undefined, tokenId: String(payload.jti) };
}
