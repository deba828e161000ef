import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError } from 'graphql';
import { type Caller, ROLES, type Role } from '../modules/common/caller.js';
import { userId as userIdSchema } from '../modules/common/validators.js';

/**
 * How the subgraph learns who is calling. Each trust mode is one implementation; resolvers only ever see the
 * resulting {@link Caller}, so new modes (gateway-signed context, end-user JWT) plug in here.
 */
export interface CallerResolver {
  resolve(headers: IncomingHttpHeaders): Promise<Caller>;
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
  async resolve(headers: IncomingHttpHeaders): Promise<Caller> {
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
