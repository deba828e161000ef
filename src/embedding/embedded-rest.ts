import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../gateway/gateway-context.js';
import type { GatewayPipeline } from '../gateway/gateway-server.js';
import { answerAuthFailure, type AnswerStyle } from '../gateway/http-answers.js';
import { documentSizeCost, MAX_OPERATION_COST, operationCost } from '../gateway/limits/operation-cost.js';
import type { RequestLimits } from '../gateway/limits/request-limits.js';
import type { RevocationStore } from '../gateway/auth/revocation-store.js';
import { restApiHandler } from '../gateway/rest/rest-handler.js';
import { REST_ROUTES } from '../gateway/rest/rest-routes.js';
import { REST_BASE_PATH } from '../gateway/rest/rest-shim.js';
import { sendJson } from '../platform/http/graphql-http.js';
import type { AccessClaims } from '../platform/identity/token-verifier.js';
import type { Logger } from '../platform/logging/logger.js';
import { correlationHeaders } from '../subgraph/planning-server.js';
import type { EmbeddedPlanningGraphQL } from './embedded-graphql.js';
import type { CallerFinder } from './host-caller.js';

export interface EmbeddedRestOptions {
  graphql: EmbeddedPlanningGraphQL;
  findCaller: CallerFinder;
  /** Budgets per user and client address (cost units, as the gateway's); none when unset. */
  limits?: RequestLimits;
  /** The schema the operations' costs are computed on. */
  schema: GraphQLSchema;
  logger: Logger;
}

/** Revocation was checked when the caller was found (standalone), or the host owns it (platform mode). */
const CHECKED_REVOCATIONS: RevocationStore = { kind: 'in-process', isRevoked: async () => false, revoke: async () => {}, ping: async () => {} };

/**
 * The REST shim of the gateway (src/gateway/rest/) over the embedded subgraph: the same routes, validation, GraphQL
 * operations and answers, with a pipeline whose caller comes from the host (or the module's own token check) and
 * whose operations run in process instead of through a gateway. Takes URLs under `/api/planning` and, mounted by a
 * host that strips that prefix, URLs relative to it.
 */
export function embeddedRestHandler(options: EmbeddedRestOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const pipeline = embeddedPipeline(options);
  const underBasePath = restApiHandler(pipeline, REST_ROUTES, REST_BASE_PATH, options.logger);
  const relative = restApiHandler(pipeline, REST_ROUTES, '', options.logger);
  return async (req, res) => {
    await (isUnderBasePath(req.url) ? underBasePath : relative)(req, res);
  };
}

/** `/api/planning`, `/api/planning/...` (with any query); not `/api/planningx`. */
export function isUnderBasePath(url: string | undefined): boolean {
  const { pathname } = new URL(url ?? '/', 'http://localhost');
  return pathname === REST_BASE_PATH || pathname.startsWith(`${REST_BASE_PATH}/`);
}

function embeddedPipeline({ graphql, findCaller, limits, schema }: EmbeddedRestOptions): GatewayPipeline {
  const headersOf = new WeakMap<GatewayContext, IncomingHttpHeaders>();
  const documents = new Map<string, DocumentNode>();

  const authenticate = async (req: IncomingMessage, res: ServerResponse, style: AnswerStyle = 'rest'): Promise<AccessClaims | undefined> => {
    res.setHeader('x-request-id', correlationHeaders(req.headers)['x-request-id']!);
    try {
      const { caller, tokenId, expiresAt } = await findCaller(req);
      return { sub: caller.userId, orgId: caller.orgId, roles: [...caller.roles], jti: tokenId, exp: expiresAt, iat: Math.floor(Date.now() / 1000) };
    } catch (error) {
      if (answerAuthFailure(res, error, style)) return undefined;
      throw error;
    }
  };

  return {
    authenticate,
    async admit(req, res, cost, style = 'rest', verified) {
      const claims = verified ?? (await authenticate(req, res, style));
      if (!claims) return undefined;
      if (limits) {
        const units = typeof cost === 'function' ? cost() : cost;
        let decision;
        try {
          decision = await limits.admit(claims.jti, CHECKED_REVOCATIONS, { user: `${claims.orgId}:${claims.sub}`, ip: req.socket.remoteAddress ?? 'unknown' }, units);
        } catch (error) {
          if (answerAuthFailure(res, error, style)) return undefined;
          throw error;
        }
        if (decision.revoked) throw new Error('unreachable: revocations are checked before admission');
        for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value);
        if (!decision.allowed) {
          sendJson(res, 429, { detail: decision.exceedsBudget ? `This request costs ${units} units, more than the whole ${decision.budget} budget per minute` : `Rate limit reached; retry after ${decision.retryAfterSeconds} s` });
          return undefined;
        }
      }
      const context: GatewayContext = {
        caller: { userId: claims.sub, orgId: claims.orgId, roles: claims.roles },
        requestId: correlationHeaders(req.headers)['x-request-id']!,
        tokenId: claims.jti,
        tokenExpiresAt: claims.exp,
      };
      headersOf.set(context, req.headers);
      return context;
    },
    execute(context, request) {
      return graphql.execute(context.caller, headersOf.get(context) ?? { 'x-request-id': context.requestId }, request);
    },
    costOf(query, variables = {}) {
      let document = documents.get(query);
      if (!document) documents.set(query, (document = parse(query)));
      return Math.min(MAX_OPERATION_COST, operationCost(schema, document, variables) + documentSizeCost(query));
    },
  };
}
