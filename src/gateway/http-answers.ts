import type { ServerResponse } from 'node:http';
import { HTTP_STATUS, PlanningError } from '../platform/errors/planning-error.js';
import { sendJson } from '../platform/http/graphql-http.js';
import { AuthenticationError } from '../platform/identity/auth-errors.js';

/** Body shape of a refusal: GraphQL `{errors: [...]}` for /graphql, `{detail}` for the REST shim and auth routes. */
export type AnswerStyle = 'graphql' | 'rest';

/** A complete HTTP answer: status, JSON body, extra headers. */
export interface HttpAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

const UNAVAILABLE_MESSAGE = 'Authentication is temporarily unavailable; retry shortly';

/**
 * The one place where a service error becomes an HTTP answer outside GraphQL's own answers: its status from the
 * code ({@link HTTP_STATUS}), the headers the status calls for (`WWW-Authenticate` with the reason code on 401,
 * `Retry-After` on 429 and 503) and a body in `style`'s shape, with no detail that helps an attacker. Undefined for
 * an error that is not one of the service's (unexpected: the caller logs it and answers 500).
 */
export function toHttpAnswer(error: unknown, style: AnswerStyle = 'graphql'): HttpAnswer | undefined {
  if (!(error instanceof PlanningError)) return undefined;
  const status = HTTP_STATUS[error.code];
  const headers: Record<string, string> = {};
  let message = error.message;
  if (error instanceof AuthenticationError) headers['www-authenticate'] = `Bearer realm="ocelot", error="invalid_token", error_description="${error.reason}"`;
  else if (error.code === 'INVALID_CREDENTIALS') headers['www-authenticate'] = 'Bearer realm="ocelot"';
  if (error.code === 'SERVICE_UNAVAILABLE') {
    headers['retry-after'] = '5';
    message = UNAVAILABLE_MESSAGE;
  }
  if (error.code === 'TOO_MANY_ATTEMPTS' || error.code === 'RATE_LIMITED') headers['retry-after'] = String(error.extensions.retryAfterSeconds ?? 60);
  const reason = error instanceof AuthenticationError ? { reason: error.reason } : {};
  const body = style === 'rest' ? { detail: message, ...reason } : { errors: [{ message, extensions: { code: error.code, ...reason } }] };
  return { status, body, headers };
}

/** Writes an answer. */
export function sendAnswer(res: ServerResponse, answer: HttpAnswer): void {
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  sendJson(res, answer.status, answer.body);
}

/** 503: an authentication dependency is down; the request is refused, never let through. */
export function sendAuthUnavailable(res: ServerResponse, style: AnswerStyle = 'graphql'): void {
  sendAnswer(res, { status: 503, headers: { 'retry-after': '5' }, body: style === 'rest' ? { detail: UNAVAILABLE_MESSAGE } : { errors: [{ message: UNAVAILABLE_MESSAGE, extensions: { code: 'SERVICE_UNAVAILABLE' } }] } });
}

/** Answers an authentication failure (401) or an unavailable dependency (503); returns false for anything else. */
export function answerAuthFailure(res: ServerResponse, error: unknown, style: AnswerStyle = 'graphql'): boolean {
  if (!(error instanceof PlanningError) || (error.code !== 'UNAUTHENTICATED' && error.code !== 'SERVICE_UNAVAILABLE')) return false;
  sendAnswer(res, toHttpAnswer(error, style)!);
  return true;
}
