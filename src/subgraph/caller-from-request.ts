import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError } from 'graphql';
import { type Caller, ROLES, type Role } from '../modules/common/caller.js';
import { userId as userIdSchema } from '../modules/common/validators.js';
import { AuthenticationError } from '../platform/identity/auth-errors.js';
import { CONTEXT_CLOCK_TOLERANCE_SECONDS, CONTEXT_TTL_SECONDS, requestBodyHash, verifyPlatformContext } from '../platform/identity/platform-context.js';
import { type ContextReplayGuard, holdsMutation, InProcessContextReplayGuard } from './context-replay-guard.js';
import type { TokenVerifier } from '../platform/identity/token-verifier.js';

/**
 * How the subgraph learns who is calling. Each trust mode is one implementation; resolvers only ever see the
 * resulting {@link Caller}, so new modes (gateway-signed context, end-user JWT) plug in here.
 */
export interface CallerResolver {
  resolve(request: CallerRequest): Promise<Caller>;
}

/** What a trust mode may look at: the headers and the GraphQL request (query + variables). */
export interface CallerRequest {
  headers: IncomingHttpHeaders;
  query: string | undefined;
  variables: unknown;
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Answers the request with 401 and code UNAUTHENTICATED. */
export function unauthenticated(reason: string): GraphQLError {
  return new GraphQLError(reason, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/**
 * `PLANNING_TRUST_MODE=headers`: trusts `X-User-Id`, `X-Org-Id` and `X-Roles` (comma list) as sent. Only for a
 * subgraph that nothing but the gateway can reach.
 */
export class HeaderCallerResolver implements CallerResolver {
  async resolve({ headers }: CallerRequest): Promise<Caller> {
    const userId = header(headers, 'x-user-id')?.trim();
    const orgId = header(headers, 'x-org-id')?.trim();
    if (!userId || !orgId) throw unauthenticated('Missing caller: X-User-Id and X-Org-Id are required');
    if (!userIdSchema.safeParse(userId).success) throw unauthenticated('X-User-Id is not a valid user id');
    if (!userIdSchema.safeParse(orgId).success) throw unauthenticated('X-Org-Id is not a valid org id');
    const roles = (header(headers, 'x-roles') ?? '')
      .split(',')
      .map((r) => r.trim().toLowerCase())
      .filter((r): r is Role => (ROLES as readonly string[]).includes(r));
    return { userId, orgId, roles };
  }
}

/**
 * `PLANNING_TRUST_MODE=signed` (the default): the caller comes only from the gateway-signed `X-Platform-Context`,
 * verified against the gateway's public keys and bound to this very request. Plain `X-User-Id`/`X-Org-Id` headers
 * are ignored; a missing, forged, expired, foreign or replayed context gets 401.
 */
export class SignedContextCallerResolver implements CallerResolver {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly audience = 'planning',
    /** Refuses a context used for a mutation a second time (in process when not given). */
    private readonly replays: ContextReplayGuard = new InProcessContextReplayGuard(),
  ) {}

  async resolve({ headers, query, variables }: CallerRequest): Promise<Caller> {
    const token = header(headers, 'x-platform-context');
    if (!token) throw unauthenticated('Missing X-Platform-Context: this subgraph accepts requests through the gateway only');
    let verified: Awaited<ReturnType<typeof verifyPlatformContext>>;
    try {
      verified = await verifyPlatformContext(this.verifier, token, { audience: this.audience, bodyHash: requestBodyHash(query, variables) });
    } catch (error) {
      throw unauthenticated(error instanceof AuthenticationError ? error.message : 'Platform context rejected');
    }
    // A read replayed within the context's lifetime answers what it answered; a write would happen again.
    if (holdsMutation(query)) {
      let first: boolean;
      try {
        first = await this.replays.firstUse(verified.tokenId, CONTEXT_TTL_SECONDS + CONTEXT_CLOCK_TOLERANCE_SECONDS);
      } catch {
        throw new GraphQLError('Authentication is unavailable', { extensions: { code: 'UNAVAILABLE', http: { status: 503 } } });
      }
      if (!first) throw unauthenticated('Platform context was already used for a mutation');
    }
    return verified.caller;
  }
}

/**
 * `PLANNING_TRUST_MODE=jwt` (standalone, no gateway): verifies the end user's bearer token with the gateway's own
 * verifier code, and its revocation when a store is given.
 */
export class JwtCallerResolver implements CallerResolver {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly revocations?: { isRevoked(jti: string): Promise<boolean> },
  ) {}

  async resolve({ headers }: CallerRequest): Promise<Caller> {
    const authorization = header(headers, 'authorization') ?? '';
    const match = /^Bearer ([^\s]+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated('Missing bearer token');
    try {
      const claims = await this.verifier.verifyAccessToken(match[1]!);
      if (this.revocations && (await this.revocations.isRevoked(claims.jti))) throw new AuthenticationError('revoked', 'Token has been revoked');
      return { userId: claims.sub, orgId: claims.orgId, roles: claims.roles };
    } catch (error) {
      if (error instanceof AuthenticationError) throw unauthenticated(error.message);
      throw new GraphQLError('Authentication is unavailable', { extensions: { code: 'UNAVAILABLE', http: { status: 503 } } });
    }
  }
}
