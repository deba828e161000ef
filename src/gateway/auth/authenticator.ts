import { AuthenticationError } from '../../platform/identity/auth-errors.js';
import type { AccessClaims, TokenVerifier } from '../../platform/identity/token-verifier.js';
import type { RevocationStore } from './revocation-store.js';

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
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly revocations: RevocationStore,
  ) {}

  async authenticate(authorization: string | undefined): Promise<AccessClaims> {
    const claims = await this.verifier.verifyAccessToken(bearerToken(authorization));
    if (await this.revocations.isRevoked(claims.jti)) throw new AuthenticationError('revoked', 'Token has been revoked');
    return claims;
  }
}
