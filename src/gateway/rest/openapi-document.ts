import { z } from 'zod';
import type { RestRoute } from './rest-routes.js';
import { errorResponse, validationErrorResponse } from './rest-schemas.js';

type JsonSchema = Record<string, any>;

/** Statuses every route can answer. */
const COMMON_ERRORS = [401, 422, 429, 503];

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request: an If-Match that is not a version.',
  401: 'Missing, invalid, expired or revoked bearer token (with `WWW-Authenticate: Bearer`).',
  403: 'The caller\'s roles do not allow this (viewers read; members write; admins delete projects).',
  404: 'No such object in the caller\'s org (`{"detail": "Task not found"}`); another org\'s object looks the same.',
  409: 'Conflicting change.',
  412: 'If-Match does not match the current version (the body carries `currentVersion`, `ETag` the current tag).',
  413: 'Request body larger than 256 KB.',
  415: 'A body that is not `application/json`.',
  422: 'Validation failed: malformed JSON, a body that is not an object, or fields and parameters that break the schema.',
  429: 'Rate limit reached (with `Retry-After`).',
  503: 'An authentication dependency (the revocation store) is down; retry later (with `Retry-After`).',
};

/**
 * Builds the OpenAPI 3.1 document of the REST shim from the route table: request schemas and response schemas
 * are the same zod schemas the shim validates with, converted with `z.toJSONSchema`.
 */
export function buildOpenApiDocument(routes: RestRoute[], basePath: string): JsonSchema {
  const components: Record<string, JsonSchema> = {};
  const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
    return hoistDefinitions(json, components);
  };
  const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
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
        ...(route.response ? { content: json(refTo(String(route.response.meta()?.id ?? route.operationId), route.response)) } : {}),
        ...(route.params && route.method !== 'DELETE' ? { headers: { ETag: { description: 'The object\'s version, e.g. "3".', schema: { type: 'string' } } } } : {}),
      },
    };
    for (const status of [...new Set([...route.errors, ...COMMON_ERRORS])].sort()) {
      const schema = status === 422 ? refTo('ValidationError', validationErrorResponse) : refTo('Error', errorResponse);
      responses[status] = { description: ERROR_DESCRIPTIONS[status] ?? 'Error', content: json(schema) };
    }
    const openApiPath = `${basePath}${route.path}`;
    paths[openApiPath] ??= {};
    paths[openApiPath][route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.entity === 'Task' ? 'tasks' : 'projects'],
      security: [{ bearerAuth: [] }],
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? { requestBody: { required: !route.bodyOptional, content: json(schemaOf(route.body, 'input')) } }
        : {}),
      responses,
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Focus planning: REST compatibility API',
      version: '1.0.0',
      description: [
        'The legacy planning REST API, kept for existing clients. Every route runs as a named GraphQL operation through',
        'the gateway (same tokens, revocation, rate limits and rules as /graphql).',
        '',
        '- Unknown body fields and query parameters are **ignored**.',
        '- `priority` accepts low/medium/high/urgent in any case and the legacy integers 1..4; `status` any case;',
        '  `dueDate` ISO 8601 with or without a zone (without: UTC). Responses spell enums as GraphQL does (upper case).',
        '- Errors are `{"detail": "..."}`; validation errors `{"detail": [{"loc", "msg", "type"}]}`.',
        '- Single-object answers carry `ETag: "<version>"`; send it back as `If-Match` to change only that version.',
      ].join('\n'),
    },
    servers: [{ url: '/' }],
    tags: [{ name: 'tasks' }, { name: 'projects' }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
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
