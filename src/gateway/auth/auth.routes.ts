import { HttpError, readBody, sendJson } from '../../platform/http/graphql-http.js';
import { isDatabaseUnavailable } from '../../platform/errors/service-unavailable.js';
import type { KeyRing } from '../../platform/identity/signing-keys.js';
import type { Logger } from '../../platform/logging/logger.js';
import type { GatewayMetrics } from '../../platform/metrics/gateway-metrics.js';
import { clientIp } from '../admission.js';
import type { RouteHandler } from '../gateway-options.js';
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
    if (req.method !== 'POST') return sendJson(res, 405, { detail: 'Use POST' });
    let body: unknown;
    try {
      body = await readBody(req, MAX_LOGIN_BODY_BYTES);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 400;
      // Malformed JSON is a validation failure like any other: 422 in the shape every other validation answer has.
      if (status === 400) return sendJson(res, 422, { detail: [{ loc: ['body'], msg: (error as Error).message, type: 'json_invalid' }] });
      return sendJson(res, status, { detail: (error as Error).message });
    }
    const parsed = loginRequestSchema.safeParse(body);
    if (!parsed.success) {
      return sendJson(res, 422, { detail: parsed.error.issues.map((i) => ({ loc: ['body', ...i.path.map(String)], msg: i.message, type: i.code })) });
    }
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
    if (req.method !== 'POST') return sendJson(res, 405, { detail: 'Use POST' });
    try {
      const claims = await deps.authenticator.authenticate(req.headers.authorization);
      const remaining = claims.exp - Math.floor(Date.now() / 1000);
      await deps.revocations.revoke(claims.jti, remaining + deps.clockToleranceSeconds);
      sendJson(res, 200, { success: true });
    } catch (error) {
      metrics?.authFailed(error);
      if (!answerAuthFailure(res, error)) throw error;
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
