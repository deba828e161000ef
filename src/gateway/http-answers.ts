import type { ServerResponse } from 'node:http';
import { sendJson } from '../platform/http/graphql-http.js';
import { AuthenticationError, AuthUnavailableError } from '../platform/identity/auth-errors.js';

/** Body shape of a refusal: GraphQL `{errors: [...]}` for /graphql, `{detail}` for the REST shim. */
export type AnswerStyle = 'graphql' | 'rest';

/** 401 with `WWW-Authenticate: Bearer` and the failure's reason code (no detail that helps an attacker). */
export function sendUnauthenticated(res: ServerResponse, error: AuthenticationError, style: AnswerStyle = 'graphql'): void {
  res.setHeader('www-authenticate', `Bearer realm="ocelot", error="invalid_token", error_description="${error.reason}"`);
  sendJson(
    res,
    401,
    style === 'rest'
      ? { detail: error.message, reason: error.reason }
      : { errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED', reason: error.reason } }] },
  );
}

/** 503: an authentication dependency is down; the request is refused, never let through. */
export function sendAuthUnavailable(res: ServerResponse, style: AnswerStyle = 'graphql'): void {
  const message = 'Authentication is temporarily unavailable; retry shortly';
  res.setHeader('retry-after', '5');
  sendJson(res, 503, style === 'rest' ? { detail: message } : { errors: [{ message, extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
}

/** Maps the two authentication failures; returns false for anything else. */
export function answerAuthFailure(res: ServerResponse, error: unknown, style: AnswerStyle = 'graphql'): boolean {
  if (error instanceof AuthenticationError) {
    sendUnauthenticated(res, error, style);
    return true;
  }
  if (error instanceof AuthUnavailableError) {
    sendAuthUnavailable(res, style);
    return true;
  }
  return false;
}
