import { z } from 'zod';
import { authPaths, bearerDescription, type DemoLogin } from './auth-openapi.js';
import { notFoundExample } from './rest-examples.js';
import { errorResponse, validationErrorResponse } from './rest-responses.js';
import type { RestRoute } from './rest-routes.js';

type JsonSchema = Record<string, any>;

/** Statuses every route can answer. */
const COMMON_ERRORS = [401, 429, 503];

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request: an If-Match that is not a version.',
  401: 'Missing, invalid, expired or revoked bearer token (with `WWW-Authenticate: Bearer`).',
  403: 'The caller\'s roles do not allow this (viewers read; members write; admins delete projects).',
  404: 'No such object in the caller\'s org (`{"detail": "Task not found"}`), whatever the form of the id; another org\'s object looks the same.',
  409: 'Conflicting change.',
  412: 'If-Match does not match the current version (the body carries `currentVersion`, `ETag` the current tag).',
  413: 'Request body larger than 256 KB.',
  415: 'A body that is not `application/json`.',
  422: 'Validation failed: malformed JSON, a body that is not an object, or fields and parameters that break the schema.',
  429: 'Rate limit reached (with `Retry-After`).',
  503: 'An authentication dependency (the revocation store) is down, or, for Flow Memory, its store; retry later (with `Retry-After`).',
};

/**
 * Builds the OpenAPI 3.1 document of the REST shim from the route table: request schemas and response schemas
 * are the same zod schemas the shim validates with, converted with `z.toJSONSchema`. It lists `/auth/login` and
 * `/auth/logout` too, and the Authorize dialog says how to get a token (naming `options.demoLogin` in development).
 */
export function buildOpenApiDocument(routes: RestRoute[], basePath: string, options: { demoLogin?: DemoLogin } = {}): JsonSchema {
  const components: Record<string, JsonSchema> = {};
  const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
    return hoistDefinitions(json, components);
  };
  const json = (schema: JsonSchema, example?: unknown) => ({ 'application/json': { schema, ...(example === undefined ? {} : { example }) } });
  const refTo = (name: string, schema: z.ZodType) => {
    // A schema with a meta id comes back as a $ref to its own definition, already hoisted into the components.
    if (!components[name]) {
      const converted = schemaOf(schema, 'output');
      components[name] ??= converted;
    }
    return { $ref: `#/components/schemas/${name}` };
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters: JsonSchema[] = [];
    for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
      if (!schema) continue;
      const object = schemaOf(schema, 'input');
      for (const [name, property] of Object.entries<JsonSchema>(object.properties ?? {})) {
        const { description, ...propertySchema } = property;
        parameters.push({ name, in: where, required: where === 'path' || (object.required ?? []).includes(name), description, schema: propertySchema });
      }
    }
    if (route.ifMatch) {
      parameters.push({
        name: 'If-Match',
        in: 'header',
        required: false,
        description: 'The version to change (the `ETag` of the last read): `"3"`, `3` or `W/"3"`; `*` matches any. Anything else is answered 400.',
        schema: { type: 'string' },
      });
    }
    if (route.idempotencyKey) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Same key from the same caller within 24 h returns the first result and writes nothing.',
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      });
    }
    const responses: Record<string, unknown> = {
      [route.status]: {
        description: route.status === 201 ? 'Created' : 'OK',
        content: json(refTo(String(route.response.meta()?.id ?? route.operationId), route.response), route.examples.response),
        ...((route.params && route.method !== 'DELETE') || route.method === 'POST'
          ? { headers: { ETag: { description: 'The object\'s version, e.g. "3".', schema: { type: 'string' } } } }
          : {}),
      },
    };
    // Only a route with a body, a query or a validated header has anything to answer 422 for: any id is taken.
    const validates = Boolean(route.body || route.query || route.idempotencyKey);
    for (const status of [...new Set([...route.errors, ...COMMON_ERRORS, ...(validates ? [422] : [])])].sort()) {
      const schema = status === 422 ? refTo('ValidationError', validationErrorResponse) : refTo('Error', errorResponse);
      const example = status === 404 ? notFoundExample(route.entity) : status === 422 ? route.examples.invalid?.response : undefined;
      responses[status] = { description: ERROR_DESCRIPTIONS[status] ?? 'Error', content: json(schema, example) };
    }
    const openApiPath = `${basePath}${route.path}`;
    paths[openApiPath] ??= {};
    paths[openApiPath][route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag ?? (route.entity === 'Task' ? 'tasks' : 'projects')],
      security: [{ bearerAuth: [] }],
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? { requestBody: { required: !route.bodyOptional, content: json(schemaOf(route.body, 'input'), route.examples.request) } }
        : {}),
      responses,
    };
  }

  // The auth routes refer to the shared error shapes.
  refTo('Error', errorResponse);
  refTo('ValidationError', validationErrorResponse);
  const auth = authPaths(options.demoLogin);
  Object.assign(components, auth.schemas);

  return {
    openapi: '3.1.0',
    info: {
      title: 'Focus planning: REST compatibility API',
      version: '1.0.0',
      description: [
        'The planning REST API of the original Focus app, kept for its clients: each route answers what the original',
        'answered, field by field. Every route runs as a named GraphQL operation through the gateway (same tokens,',
        'revocation, rate limits and rules as /graphql).',
        '',
        '- Answers carry the original\'s fields with its types and values: `priority` an integer 1..4 (1 low, 2 medium,',
        '  3 high, 4 urgent), `energyRequired` low/medium/high, `status` upper case, `userId` (the owner), `assignedUserId`,',
        '  and `workspaceId`, `aiInsights`, `urgencyScore` (null: this module keeps none); then the fields this API adds',
        '  (`ownerId`, `assigneeId`, `version`, ...). `POST /tasks` answers 200 and `POST /projects` 201, as the original.',
        '- Lists answer `{tasks|projects, total, next_cursor}`; `total` is the number in this answer, as the original;',
        '  `?count=exact` adds `total_count`, every match.',
        '- Unknown body fields and query parameters are **ignored**.',
        '- `priority` accepts low/medium/high/urgent in any case and the integers 1..4; `status` and `energyRequired` any',
        '  case; `assignedUserId` and `assigneeId` both; `dueDate` ISO 8601 with or without a zone (without: UTC).',
        '- Errors are `{"detail": "..."}`; an id naming nothing, in any form, is 404 `{"detail": "Task not found"}`;',
        '  validation errors are 422 `{"detail": [{"loc", "msg", "type"}]}`.',
        '- Single-object answers carry `ETag: "<version>"`; send it back as `If-Match` to change only that version.',
        '- `/shadow/*` and `/flow-memory/*` keep the original modules\' routes and field names (snake_case where they had',
        '  them); routes the original lacked (`/shadow/report`, single interactions, `/flow-memory/settings`) answer',
        '  the GraphQL API\'s shape or the same snake_case as their neighbours.',
      ].join('\n'),
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'auth', description: 'Tokens: log in for one, log out to revoke it. Every other route needs one (Authorize above).' },
      { name: 'tasks' },
      { name: 'projects' },
      { name: 'shadow', description: 'Shadow AI: the 30-day journey of insights from the caller\'s own task history, and the productivity report.' },
      { name: 'flow-memory', description: 'Flow Memory: the caller\'s interaction memory across sessions (7 days, the newest 100).' },
    ],
    paths: { ...auth.paths, ...paths },
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: bearerDescription(options.demoLogin) } },
      schemas: components,
    },
  };
}

/** Moves `$defs` (schemas with a meta id used inside others) into the shared components. */
function hoistDefinitions(schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  const { $defs, ...rest } = JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
  for (const [name, definition] of Object.entries<JsonSchema>($defs ?? {})) components[name] ??= definition;
  return rest;
}
