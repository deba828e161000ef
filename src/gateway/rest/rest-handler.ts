import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../platform/logging/logger.js';
import { PROJECT_MESSAGES } from '../../platform/validation/validation-messages.js';
import type { GatewayPipeline, RouteHandler } from '../gateway-options.js';
import { parseIfMatch } from './if-match.js';
import { readJsonObject } from './json-body.js';
import {
  badRequest,
  etagOf,
  notFound,
  problemsOfZod,
  type RestAnswer,
  type RestProblem,
  restAnswerForGraphQLErrors,
  sendRestAnswer,
  validationFailed,
} from './rest-errors.js';
import { REST_OPERATIONS } from './rest-operations.js';
import type { RestRoute, RouteInput } from './rest-routes.js';
import { idempotencyKeyHeader } from './rest-schemas.js';

interface CompiledRoute {
  route: RestRoute;
  pattern: RegExp;
  paramNames: string[];
}

/** `/tasks/{id}` -> a regex capturing one path segment per parameter. */
function compile(route: RestRoute): CompiledRoute {
  const paramNames: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
    paramNames.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), paramNames };
}

/**
 * The REST shim's request handler for everything under `basePath`: match the route, validate path, query, headers
 * and body against the route's schemas, admit the caller through the gateway pipeline (401/429/503 as for
 * /graphql), run the route's named GraphQL operation through the gateway, and map the result or its errors.
 */
export function restApiHandler(pipeline: GatewayPipeline, routes: RestRoute[], basePath: string, logger?: Logger): RouteHandler {
  const compiled = routes.map(compile);
  return async (req, res) => {
    try {
      await handle(req, res);
    } catch (error) {
      logger?.error({ err: error, url: req.url }, 'rest shim: request failed');
      if (!res.headersSent) sendRestAnswer(res, { status: 500, body: { detail: 'Internal server error' } });
      else res.end();
    }
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const subPath = url.pathname.slice(basePath.length).replace(/\/+$/, '') || '/';
    const onPath = compiled.filter((c) => c.pattern.test(subPath));
    if (onPath.length === 0) return sendRestAnswer(res, { status: 404, body: { detail: 'Not Found' } });
    const match = onPath.find((c) => c.route.method === req.method);
    if (!match) {
      return sendRestAnswer(res, { status: 405, body: { detail: 'Method Not Allowed' }, headers: { allow: onPath.map((c) => c.route.method).join(', ') } });
    }
    // The token before anything is read: a request without a valid one gets 401 (with WWW-Authenticate) at once.
    const claims = await pipeline.authenticate(req, res, 'rest');
    if (!claims) return;
    const { route } = match;
    const parsed = await parseRequest(req, url, match, subPath);
    const query = REST_OPERATIONS[route.operation];
    const variables = 'input' in parsed ? withoutUndefined(route.variables(parsed.input)) : undefined;
    const context = await pipeline.admit(req, res, () => (variables ? pipeline.costOf(query, variables) : 1), 'rest', claims);
    if (!context) return;
    if ('refusal' in parsed) return sendRestAnswer(res, parsed.refusal);

    const result = await pipeline.execute(context, { query, operationName: route.operation, variables });
    if (result.errors?.length) {
      const answer = restAnswerForGraphQLErrors(result.errors, { entity: route.entity, versionFromIfMatch: parsed.input.expectedVersion !== undefined, locOf: route.locOf });
      if (answer.status >= 500) logger?.error({ errors: result.errors, operation: route.operation }, 'rest shim: operation failed');
      return sendRestAnswer(res, answer);
    }
    const mapped = result.data ? route.result(result.data, parsed.input) : null;
    if (!mapped) return sendRestAnswer(res, notFound(route.entity));
    sendRestAnswer(res, {
      status: route.status,
      body: mapped.body,
      headers: mapped.version === undefined ? {} : { etag: etagOf(mapped.version) },
    });
  }
}

type ParsedRequest = { input: RouteInput } | { refusal: RestAnswer };

/** Everything the route declares, validated; the first refusal (415, 413, 400, 422) wins, all 422 problems together. */
async function parseRequest(req: IncomingMessage, url: URL, match: CompiledRoute, subPath: string): Promise<ParsedRequest> {
  const { route } = match;
  const problems: RestProblem[] = [];
  const input: RouteInput = { params: {}, query: {}, body: undefined };

  if (route.body) {
    const body = await readJsonObject(req, route.bodyOptional === true);
    if ('refusal' in body) return body;
    if (body.value !== undefined) {
      const result = route.body.safeParse(body.value, PROJECT_MESSAGES);
      if (result.success) input.body = result.data;
      else problems.push(...problemsOfZod(result.error, 'body', body.value));
    }
  }

  if (route.params) {
    const values = match.pattern.exec(subPath)!.slice(1).map(decodeSegment);
    const result = route.params.safeParse(Object.fromEntries(match.paramNames.map((name, i) => [name, values[i]])), PROJECT_MESSAGES);
    if (result.success) input.params = result.data;
    else problems.push(...problemsOfZod(result.error, 'path'));
  }

  if (route.query) {
    const query = queryObjectOf(url.searchParams);
    const result = route.query.safeParse(query, PROJECT_MESSAGES);
    if (result.success) input.query = result.data;
    else problems.push(...problemsOfZod(result.error, 'query', query));
  }

  if (route.idempotencyKey && req.headers['idempotency-key'] !== undefined) {
    const result = idempotencyKeyHeader.safeParse(req.headers['idempotency-key'], PROJECT_MESSAGES);
    if (result.success) input.idempotencyKey = result.data;
    else problems.push(...result.error.issues.map((i) => ({ loc: ['header', 'Idempotency-Key'], msg: i.message, type: i.code })));
  }

  if (route.ifMatch) {
    const ifMatch = parseIfMatch(req.headers['if-match']);
    if (ifMatch.kind === 'invalid') {
      return { refusal: badRequest(400, 'If-Match must be a version as sent in ETag ("3"), or 3, W/"3" or *') };
    }
    if (ifMatch.kind === 'version') input.expectedVersion = ifMatch.version;
  }

  return problems.length > 0 ? { refusal: validationFailed(problems) } : { input };
}

/** Query parameters as an object; a repeated parameter becomes a list. */
function queryObjectOf(params: URLSearchParams): Record<string, string | string[]> {
  const object: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    object[key] = values.length === 1 ? values[0]! : values;
  }
  return object;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function withoutUndefined(variables: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(variables).filter(([, value]) => value !== undefined));
}
