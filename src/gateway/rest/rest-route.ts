import type { z } from 'zod';
import type { RestEntity } from './rest-errors.js';
import type { RestOperationTypes } from './generated/rest-operation-types.js';
import type { RestOperationName } from './rest-operations.js';
import type { RestExamples } from './rest-examples.js';
/** What a route's handler gets after validation. */
export interface RouteInput {
  params: any;
  query: any;
  body: any;
  expectedVersion?: number;
  idempotencyKey?: string;
}

/**
 * One REST route: its declared request schemas (validation + OpenAPI), its GraphQL operation and its mapping, the
 * variables it builds and the answer it maps typed by that operation's generated types (`npm run codegen`).
 */
export interface RestRoute<Op extends RestOperationName = RestOperationName> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Below the base path, OpenAPI style: `/tasks/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  entity: RestEntity;
  operation: Op;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The body may be left out (empty). */
  bodyOptional?: boolean;
  /** `If-Match: <version>` maps to `expectedVersion`. */
  ifMatch?: boolean;
  /** `Idempotency-Key` maps to `idempotencyKey`. */
  idempotencyKey?: boolean;
  status: 200 | 201;
  response: z.ZodType;
  /** Example request and answer bodies for the OpenAPI document (the original API's own, where it had the route). */
  examples: RestExamples;
  /** Error statuses this route can answer besides those every route has (401, 422, 429, 503). */
  errors: number[];
  /** The route's group in the OpenAPI document (default: `tasks` or `projects` by entity). */
  tag?: string;
  /** Where a field the subgraph refused sits in this route's request, when not where `locOfField` puts it. */
  locOf?: (field: string) => Array<string | number> | undefined;
  variables(input: RouteInput): RestOperationTypes[Op]['variables'];
  /** The answer's body and, for single objects, the version for `ETag`; null when the object does not exist. */
  result(data: RestOperationTypes[Op]['data'], input: RouteInput): { body: unknown; version?: number } | null;
}

/** Any one route, its variables and answer typed by its own operation. */
export type AnyRestRoute = { [Op in RestOperationName]: RestRoute<Op> }[RestOperationName];

/** Body -> GraphQL input: dates as ISO strings, left-out fields dropped. */
export const graphqlInput = <T = Record<string, unknown>>(body: unknown): T => JSON.parse(JSON.stringify(body ?? {})) as T;
/** A single object's answer: its body and its version for `ETag`; null when there is none. */
export const single = <T extends { version: number }>(object: T | null | undefined) => (object ? { body: object, version: object.version } : null);
