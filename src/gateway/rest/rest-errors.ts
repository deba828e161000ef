import type { ServerResponse } from 'node:http';
import type { z } from 'zod';
import { HTTP_STATUS } from '../../platform/errors/planning-error.js';
import { sendJson } from '../../platform/http/graphql-http.js';

/** One entry of a 422 body, FastAPI style: where, what, which kind. */
export interface RestProblem {
  loc: Array<string | number>;
  msg: string;
  type: string;
}

/** A complete REST answer: status, JSON body, extra headers. */
export interface RestAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** What a route's 404 names (`{"detail": "<entity> not found"}`). */
export const REST_ENTITIES = ['Task', 'Project', 'Shadow profile', 'Insight', 'Interaction', 'Session'] as const;
export type RestEntity = (typeof REST_ENTITIES)[number];

export const notFound = (entity: RestEntity): RestAnswer => ({ status: HTTP_STATUS.NOT_FOUND, body: { detail: `${entity} not found` } });
export const validationFailed = (problems: RestProblem[]): RestAnswer => ({ status: HTTP_STATUS.BAD_USER_INPUT, body: { detail: problems } });
export const badRequest = (status: number, detail: string): RestAnswer => ({ status, body: { detail } });

/**
 * Zod issues -> 422 entries under `where` (`body`, `query`, `header`). A query parameter is named without the index of
 * a value in it (`?status=a,b` is one parameter on the wire). A required field left out reads as FastAPI said it
 * (`Field required`, type `missing`), so the original API's clients see the entry they know.
 */
export function problemsOfZod(error: z.ZodError, where: string, value?: unknown): RestProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(locSegment);
    const loc = [where, ...(where === 'query' ? path.slice(0, 1) : path)];
    if (issue.code === 'invalid_type' && issue.path.length > 0 && valueAt(value, issue.path) === undefined) {
      return { loc, msg: 'Field required', type: 'missing' };
    }
    return { loc, msg: issue.message, type: issue.code };
  });
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

/** Where a GraphQL argument of a REST operation came from in the REST request. */
const ARGUMENT_LOCATIONS: Record<string, Array<string | number>> = {
  input: ['body'],
  filter: ['query'],
  first: ['query', 'limit'],
  after: ['query', 'cursor'],
  expectedVersion: ['header', 'If-Match'],
  idempotencyKey: ['header', 'Idempotency-Key'],
  actualMinutes: ['body', 'actualMinutes'],
};

/** `input.tags.2` -> ["body", "tags", 2]; `after` -> ["query", "cursor"]; `filter.status` -> ["query", "status"]. */
export function locOfField(field: string, locOf?: (field: string) => Array<string | number> | undefined): Array<string | number> {
  const custom = locOf?.(field);
  if (custom) return custom;
  const [argument = '', ...rest] = field.split('.');
  const base = ARGUMENT_LOCATIONS[argument] ?? ['body', argument];
  return [...base, ...(argument === 'filter' ? rest.slice(0, 1) : rest).map(locSegment)];
}

function locSegment(segment: PropertyKey): string | number {
  return typeof segment === 'number' || /^\d+$/.test(String(segment)) ? Number(segment) : String(segment);
}

interface GraphQLErrorLike {
  message?: string;
  extensions?: Record<string, any>;
}

/**
 * Where the GraphQL errors of a REST operation become REST answers: statuses from the one table
 * (`HTTP_STATUS`), the original API's bodies and the REST-only cases (a missing reference as a 422 on its field,
 * If-Match as 412). `entity` names the route's object (for 404 bodies);
 * `versionFromIfMatch` tells a failed If-Match precondition (412) from any other conflict (409).
 */
export function restAnswerForGraphQLErrors(
  errors: readonly GraphQLErrorLike[],
  options: { entity: RestEntity; versionFromIfMatch: boolean; locOf?: (field: string) => Array<string | number> | undefined },
): RestAnswer {
  const error = errors.find((e) => e.extensions?.code && e.extensions.code !== 'INTERNAL_SERVER_ERROR') ?? errors[0] ?? {};
  const extensions = error.extensions ?? {};
  const message = error.message ?? 'Request failed';
  switch (extensions.code) {
    case 'UNAUTHENTICATED':
      return { status: HTTP_STATUS.UNAUTHENTICATED, body: { detail: message }, headers: { 'www-authenticate': 'Bearer realm="ocelot"' } };
    case 'FORBIDDEN':
      return { status: HTTP_STATUS.FORBIDDEN, body: { detail: message } };
    case 'NOT_FOUND': {
      // A missing reference inside the request (a projectId, a parentId) is a bad field, not a missing resource.
      const field = typeof extensions.field === 'string' ? extensions.field : 'id';
      const entity: RestEntity = REST_ENTITIES.includes(extensions.entity) ? extensions.entity : options.entity;
      if (field === 'id' || field === 'idempotencyKey') return notFound(entity);
      return validationFailed([{ loc: locOfField(field, options.locOf), msg: `${entity} not found`, type: 'not_found' }]);
    }
    case 'BAD_USER_INPUT': {
      const all: Array<{ field: string; message: string }> = Array.isArray(extensions.problems) ? extensions.problems : [];
      if (all.length === 0) return validationFailed([{ loc: ['body'], msg: message, type: 'value_error' }]);
      // The path id is the only `id` argument. One the subgraph refuses (not a UUID) names nothing, and the original
      // API answered 404 for every id naming nothing; any other bad field is still the 422 it would have been first.
      const problems = all.filter((p) => p.field !== 'id');
      if (problems.length === 0) return notFound(options.entity);
      return validationFailed(problems.map((p) => ({ loc: locOfField(p.field, options.locOf), msg: p.message, type: 'value_error' })));
    }
    case 'CONFLICT': {
      const current = extensions.currentVersion;
      if (options.versionFromIfMatch && typeof current === 'number') {
        return { status: 412, body: { detail: message, currentVersion: current }, headers: { etag: etagOf(current) } };
      }
      return { status: HTTP_STATUS.CONFLICT, body: { detail: message } };
    }
    case 'RATE_LIMITED':
      return { status: HTTP_STATUS.RATE_LIMITED, body: { detail: message }, headers: { 'retry-after': String(extensions.retryAfterSeconds ?? 60) } };
    case 'UNAVAILABLE':
    case 'SERVICE_UNAVAILABLE':
      return { status: HTTP_STATUS.SERVICE_UNAVAILABLE, body: { detail: 'Service temporarily unavailable; retry shortly' }, headers: { 'retry-after': '5' } };
    default:
      return { status: HTTP_STATUS.INTERNAL_SERVER_ERROR, body: { detail: 'Internal server error' } };
  }
}

/** The ETag of an object at `version`. */
export const etagOf = (version: number) => `"${version}"`;

export function sendRestAnswer(res: ServerResponse, answer: RestAnswer): void {
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
  sendJson(res, answer.status, answer.body);
}
