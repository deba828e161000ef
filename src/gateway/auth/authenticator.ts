import { AuthenticationError } from '../../platform/identity/auth-errors.js';
import type { AccessClaims, TokenVerifier } from '../../platform/identity/token-verifier.js';
import type { RevocationStore } from './revocation-store.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/** Extracts the token of an `Authorization: Bearer <token>` header. */
export function bearerToken(authorization: string | undefined): string {
  if (!authorization || authorization.trim() === '') throw new AuthenticationError('missing_token', 'Missing bearer token');
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)$/i.exec(authorization.trim());
  if (!match) throw new AuthenticationError('malformed_token', 'Authorization must be "Bearer <token>"');
  return match[1]!;
}

/**
 * Every authenticated request: verify the token, then check that it was not revoked. The revocation store being
 * unreachable fails closed ({@link AuthUnavailableError}, 503), never open.
 */
export class Authenticator {
  private readonly verified: VerifiedTokenCache;

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly revocations: RevocationStore,
    /** Verification results are reused this long (0: verify every request). */
    options: { verifiedTokenTtlMs?: number; clockToleranceSeconds?: number } = {},
  ) {
    this.verified = new VerifiedTokenCache({
      ttlMs: options.verifiedTokenTtlMs ?? 0,
      maxEntries: 10_000,
      clockToleranceSeconds: options.clockToleranceSeconds ?? 0,
    });
  }

  async authenticate(authorization: string | undefined): Promise<AccessClaims> {
    const claims = await this.verify(authorization);
    if (await this.revocations.isRevoked(claims.jti)) throw new AuthenticationError('revoked', 'Token has been revoked');
    return claims;
  }

  /**
   * The token's signature and claims only: the caller must then check revocation itself (the gateway's requests do
   * it in the same Redis round trip as their budgets, {@link RequestLimits.admit}).
   */
  async verify(authorization: string | undefined): Promise<AccessClaims> {
    return this.verified.claimsOf(bearerToken(authorization), (token) => this.verifier.verifyAccessToken(token));
  }
}
