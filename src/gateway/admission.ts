import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../platform/http/graphql-http.js';
import { requestIdFrom } from '../platform/http/request-id.js';
import { AuthenticationError } from '../platform/identity/auth-errors.js';
import type { AccessClaims } from '../platform/identity/token-verifier.js';
import { requestLogFields } from '../platform/logging/request-log.js';
import type { GatewayMetrics } from '../platform/metrics/gateway-metrics.js';
import { requestTraceOf } from '../platform/telemetry/request-trace.js';
import type { Authenticator } from './auth/authenticator.js';
import type { RevocationStore } from './auth/revocation-store.js';
import type { GatewayContext } from './gateway-context.js';
import { answerAuthFailure, type AnswerStyle } from './http-answers.js';
import type { RequestLimits } from './limits/request-limits.js';

const requestIds = new WeakMap<IncomingMessage, string>();

/** The request id the client sent when it is sane, else a new one (the same one for every call on one request). */
export function requestIdOf(req: IncomingMessage): string {
  let requestId = requestIds.get(req);
  if (requestId === undefined) {
    requestId = requestIdFrom(req.headers['x-request-id']);
    requestIds.set(req, requestId);
  }
  return requestId;
}

/** The client's address as this server sees it (no proxy headers are trusted). */
export function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** How a request is let in: its token verified, then its cost charged to the caller's budgets. */
export interface Admission {
  /**
   * The request's verified token, or undefined after answering it (429 for an address out of budget, 401, 503).
   * Runs before a request body is read, so a junk token is refused at once, whatever body follows.
   */
  authenticate(req: IncomingMessage, res: ServerResponse, style?: AnswerStyle): Promise<AccessClaims | undefined>;
  /**
   * Authenticates the request (unless `verified` claims are given), checks revocation and charges `cost` to the
   * caller's budgets. Returns the context, or undefined after answering the request itself (401, 429, 503).
   */
  admit(req: IncomingMessage, res: ServerResponse, cost: number | (() => number), style?: AnswerStyle, verified?: AccessClaims): Promise<GatewayContext | undefined>;
}

/** The gateway's admission over its token checks, revocations and budgets. */
export function createAdmission(deps: { authenticator: Authenticator; limits: RequestLimits; revocations: RevocationStore; metrics?: GatewayMetrics }): Admission {
  const { authenticator, limits, metrics } = deps;

  const refuseAuthentication = async (res: ServerResponse, error: unknown, ip: string, style: AnswerStyle): Promise<undefined> => {
    metrics?.authFailed(error);
    if (error instanceof AuthenticationError) await limits.chargeFailedAuthentication(ip);
    if (answerAuthFailure(res, error, style)) return undefined;
    throw error;
  };

  const authenticate: Admission['authenticate'] = async (req, res, style = 'graphql') => {
    res.setHeader('x-request-id', requestIdOf(req));
    const ip = clientIp(req);
    // An address whose budget this process saw exhausted is refused before its token costs a signature check.
    const exhaustedFor = limits.exhaustedFor(ip);
    if (exhaustedFor > 0) {
      metrics?.rateLimited('ip');
      sendRateLimited(res, style, {
        budget: 'ip',
        retryAfterSeconds: exhaustedFor,
        headers: { 'retry-after': String(exhaustedFor), 'ratelimit-policy': limits.policyHeader, ratelimit: `"ip";r=0;t=${exhaustedFor}` },
      });
      return undefined;
    }
    try {
      return await authenticator.verify(req.headers.authorization);
    } catch (error) {
      return refuseAuthentication(res, error, ip, style);
    }
  };

  const admit: Admission['admit'] = async (req, res, cost, style = 'graphql', verified) => {
    const claims = verified ?? (await authenticate(req, res, style));
    if (!claims) return undefined;
    const ip = clientIp(req);
    const logFields = Object.assign(requestLogFields(req), { userId: claims.sub, orgId: claims.orgId });
    const units = typeof cost === 'function' ? cost() : cost;
    let decision;
    try {
      // Revocation and budgets in one step: a revoked token is refused before anything is charged to its budgets.
      decision = await limits.admit(claims.jti, deps.revocations, { user: `${claims.orgId}:${claims.sub}`, ip }, units);
      if (decision.revoked) throw new AuthenticationError('revoked', 'Token has been revoked');
    } catch (error) {
      return refuseAuthentication(res, error, ip, style);
    }
    for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value);
    if (!decision.allowed) {
      metrics?.rateLimited(decision.budget);
      sendRateLimited(res, style, decision, units);
      return undefined;
    }
    return {
      caller: { userId: claims.sub, orgId: claims.orgId, roles: claims.roles },
      requestId: requestIdOf(req),
      tokenId: claims.jti,
      tokenExpiresAt: claims.exp,
      ...(claims.client === undefined ? {} : { client: claims.client }),
      trace: requestTraceOf(req).context,
      logFields,
    };
  };

  return { authenticate, admit };
}

/** 429 in the entry point's shape; a request costing more than the whole budget is told so (waiting cannot help). */
function sendRateLimited(
  res: ServerResponse,
  style: AnswerStyle,
  decision: { budget: 'user' | 'ip'; retryAfterSeconds: number; exceedsBudget?: boolean; headers: Record<string, string> },
  cost?: number,
): void {
  for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value);
  const detail = decision.exceedsBudget
    ? `This request costs ${cost} units, more than the whole ${decision.budget} budget per minute; ask for fewer rows or nested lists`
    : `Rate limit reached; retry after ${decision.retryAfterSeconds} s`;
  sendJson(
    res,
    429,
    style === 'rest'
      ? { detail }
      : {
          errors: [
            {
              message: decision.exceedsBudget ? detail : `Rate limit reached (${decision.budget}); retry after ${decision.retryAfterSeconds} s`,
              extensions: { code: 'RATE_LIMITED', budget: decision.budget, ...(cost !== undefined ? { cost } : {}) },
            },
          ],
          detail,
        },
  );
}
