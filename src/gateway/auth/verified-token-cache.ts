import { LRUCache } from 'lru-cache';
import { AuthenticationError } from '../../platform/identity/auth-errors.js';
import type { AccessClaims } from '../../platform/identity/token-verifier.js';

export interface VerifiedTokenCacheOptions {
  /** How long a verification result is reused; bounds how late a removed signing key takes effect. */
  ttlMs: number;
  /** Most tokens remembered; the oldest entries go first. */
  maxEntries: number;
  clockToleranceSeconds: number;
  now?: () => number;
}

/**
 * Remembers the claims of tokens whose signature and claims were verified, so a client sending the same bearer
 * token on every request costs one Ed25519 verification per `ttlMs` instead of one per request (the bench showed
 * verification at about a tenth of the gateway's CPU). The cached answer is exactly what verifying again would give
 * until the token expires: expiry is checked on every hit, and revocation is not cached at all (the
 * {@link Authenticator} asks the revocation store on every request).
 */
export class VerifiedTokenCache {
  private readonly entries: LRUCache<string, { claims: AccessClaims; reuseUntil: number }>;
  private readonly now: () => number;

  constructor(private readonly options: VerifiedTokenCacheOptions) {
    this.now = options.now ?? Date.now;
    this.entries = new LRUCache({ max: Math.max(1, options.maxEntries) });
  }

  /** The claims of `token`, verified by `verify` unless a fresh enough result is remembered. */
  async claimsOf(token: string, verify: (token: string) => Promise<AccessClaims>): Promise<AccessClaims> {
    const now = this.now();
    const known = this.entries.get(token);
    if (known && known.reuseUntil > now) {
      if (known.claims.exp + this.options.clockToleranceSeconds <= now / 1000) {
        this.entries.delete(token);
        throw new AuthenticationError('expired', 'Token has expired');
      }
      return known.claims;
    }
    const claims = await verify(token);
    // The least recently used token goes when a new one would exceed the cap.
    this.entries.set(token, { claims, reuseUntil: now + this.options.ttlMs });
    return claims;
  }

  get size(): number {
    return this.entries.size;
  }
}
