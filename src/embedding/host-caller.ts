import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Authenticator } from '../gateway/auth/authenticator.js';
import { type Caller, ROLES, type Role } from '../modules/common/caller.js';
import { userId as callerIdSchema } from '../modules/common/validators.js';
import { AuthenticationError, AuthUnavailableError } from '../platform/identity/auth-errors.js';
import type { Logger } from '../platform/logging/logger.js';
import type { HostRequest, PlanningCaller, PlanningCallerSource } from './planning-module.types.js';

/** A request's established caller, with what the REST pipeline calls its token (revocation key, expiry). */
export interface EstablishedCaller {
  caller: Caller;
  tokenId: string;
  expiresAt: number;
}

/**
 * Finds the caller of a request or throws: {@link AuthenticationError} (answered 401) when there is none or it is
 * malformed, {@link AuthUnavailableError} (503) when it cannot be established now.
 */
export type CallerFinder = (req: IncomingMessage) => Promise<EstablishedCaller>;

/** The framework's own request object of a Node request, where an adapter recorded one (Fastify). */
export type HostRequests = WeakMap<IncomingMessage, HostRequest>;

/** How long a host-given caller stands for the REST pipeline (it is established again on every request). */
const HOST_CALLER_SECONDS = 60;

/** Platform mode: the caller the host verified, from its function or from the headers its gateway sets. */
export function hostCallerFinder(source: PlanningCallerSource, hostRequests: HostRequests, logger: Logger): CallerFinder {
  return async (req) => {
    const given = source === 'headers' ? callerFromHeaders(req) : await callerFromHost(source, hostRequests.get(req) ?? (req as unknown as HostRequest), logger);
    return { caller: checkedCaller(given), tokenId: `host:${randomUUID()}`, expiresAt: Math.floor(Date.now() / 1000) + HOST_CALLER_SECONDS };
  };
}

/** Standalone: the bearer token, verified and checked against the revocation list. */
export function tokenCallerFinder(authenticator: Authenticator): CallerFinder {
  return async (req) => {
    const claims = await authenticator.authenticate(req.headers.authorization);
    return { caller: { userId: claims.sub, orgId: claims.orgId, roles: claims.roles }, tokenId: claims.jti, expiresAt: claims.exp };
  };
}

async function callerFromHost(source: Exclude<PlanningCallerSource, 'headers'>, request: HostRequest, logger: Logger): Promise<PlanningCaller> {
  let given: PlanningCaller | null | undefined;
  try {
    given = await source(request);
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'planning module: the host could not establish the caller');
    throw new AuthUnavailableError('The caller could not be established');
  }
  if (!given) throw new AuthenticationError('missing_token', 'Not authenticated');
  return given;
}

function callerFromHeaders(req: IncomingMessage): PlanningCaller {
  const header = (name: string) => {
    const value = req.headers[name];
    return (Array.isArray(value) ? value[0] : value)?.trim();
  };
  const userId = header('x-user-id');
  const orgId = header('x-org-id');
  if (!userId || !orgId) throw new AuthenticationError('missing_token', 'Missing caller: X-User-Id and X-Org-Id are required');
  return { userId, orgId, roles: (header('x-roles') ?? '').split(',') };
}

/** Ids as the identity module issues them; role names other than the module's are dropped. */
function checkedCaller(given: PlanningCaller): Caller {
  if (!callerIdSchema.safeParse(given.userId).success) throw new AuthenticationError('invalid_claims', 'The caller\'s userId is not a valid user id');
  if (!callerIdSchema.safeParse(given.orgId).success) throw new AuthenticationError('invalid_claims', 'The caller\'s orgId is not a valid org id');
  const roles = (Array.isArray(given.roles) ? given.roles : [])
    .map((role) => String(role).trim().toLowerCase())
    .filter((role): role is Role => (ROLES as readonly string[]).includes(role));
  return { userId: given.userId, orgId: given.orgId, roles };
}
