import { sendJson } from '../../platform/http/graphql-http.js';
import { PROJECT_MESSAGES } from '../../platform/validation/validation-messages.js';
import { isDatabaseUnavailable } from '../../platform/errors/service-unavailable.js';
import type { KeyRing } from '../../platform/identity/signing-keys.js';
import type { Logger } from '../../platform/logging/logger.js';
import type { GatewayMetrics } from '../../platform/metrics/gateway-metrics.js';
import { clientIp } from '../admission.js';
import type { RouteHandler } from '../gateway-options.js';
import { readJsonObject } from '../rest/json-body.js';
import { problemsOfZod, sendRestAnswer, validationFailed } from '../rest/rest-errors.js';
import { answerAuthFailure, sendAnswer, sendAuthUnavailable, toHttpAnswer } from '../http-answers.js';
import type { Authenticator } from './authenticator.js';
import { InvalidCredentialsError, loginRequestSchema, type LoginService, TooManyAttemptsError } from './login.service.js';
import type { RevocationStore } from './revocation-store.js';

/** Login bodies above this are refused with 413. */
const MAX_LOGIN_BODY_BYTES = 16 * 1024;

/** `POST /auth/login`, `POST /auth/logout` and `/.well-known/jwks.json`: answers in the REST shim's `{detail}` shape. */
export function authRoutes(deps: {
  login: LoginService;
  authenticator: Authenticator;
  revocations: RevocationStore;
  keys: KeyRing;
  clockToleranceSeconds: number;
  logger: Logger;
  metrics?: GatewayMetrics;
}): Record<string, RouteHandler> {
  const { metrics } = deps;

  const login: RouteHandler = async (req, res) => {
    if (req.method !== 'POST') return methodNotAllowed(res);
    const body = await readJsonObject(req, false, MAX_LOGIN_BODY_BYTES);
    if ('refusal' in body) return sendRestAnswer(res, body.refusal);
    const parsed = loginRequestSchema.safeParse(body.value, PROJECT_MESSAGES);
    if (!parsed.success) return sendRestAnswer(res, validationFailed(problemsOfZod(parsed.error, 'body', body.value)));
    try {
      sendJson(res, 200, await deps.login.login(parsed.data.email, parsed.data.password, clientIp(req)));
    } catch (error) {
      if (error instanceof InvalidCredentialsError) metrics?.loginRefused();
      else if (!(error instanceof TooManyAttemptsError)) metrics?.authFailed(error);
      const answer = toHttpAnswer(error, 'rest');
      if (answer) return sendAnswer(res, answer);
      if (isDatabaseUnavailable(error)) {
        deps.logger.warn({ err: (error as Error).message }, 'gateway: login could not reach the database');
        return sendAuthUnavailable(res, 'rest');
      }
      throw error;
    }
  };

  const logout: RouteHandler = async (req, res) => {
    if (req.method !== 'POST') return methodNotAllowed(res);
    try {
      const claims = await deps.authenticator.authenticate(req.headers.authorization);
      const remaining = claims.exp - Math.floor(Date.now() / 1000);
      await deps.revocations.revoke(claims.jti, remaining + deps.clockToleranceSeconds);
      sendJson(res, 200, { success: true });
    } catch (error) {
      metrics?.authFailed(error);
      if (!answerAuthFailure(res, error, 'rest')) throw error;
    }
  };

  return {
    '/auth/login': login,
    '/auth/logout': logout,
    '/.well-known/jwks.json': (_req, res) => {
      res.setHeader('cache-control', 'public, max-age=300');
      sendJson(res, 200, deps.keys.jwks);
    },
  };
}

function methodNotAllowed(res: Parameters<RouteHandler>[1]): void {
  res.setHeader('allow', 'POST');
  sendJson(res, 405, { detail: 'Method Not Allowed' });
}
