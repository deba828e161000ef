import { z } from 'zod';
import { loginRequestSchema } from '../auth/login.service.js';

type JsonSchema = Record<string, any>;

/** What `POST /auth/login` answers: an OAuth 2 style bearer token. */
export const loginAnswerSchema = z.object({
  access_token: z.string().meta({ description: 'The bearer token (an Ed25519-signed JWT): send it as `Authorization: Bearer <token>`.' }),
  token_type: z.literal('bearer'),
  expires_in: z.number().int().meta({ description: 'Seconds until the token expires.' }),
});

/** The development demo user, when the gateway created one (embedded database, not production). */
export interface DemoLogin {
  email: string;
  password: string;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema, example?: unknown) => ({ 'application/json': { schema, ...(example === undefined ? {} : { example }) } });

/**
 * How the Authorize dialog says to get a token: log in with `POST /auth/login` (on this page, under "auth"; a
 * successful login there authorizes the page by itself), or paste a token issued elsewhere. In development it names
 * the demo user.
 */
export function bearerDescription(demo?: DemoLogin): string {
  return [
    'Get a token with `POST /auth/login` (section **auth** below: *Try it out*, your email and password, *Execute*). A',
    'successful login on this page authorizes it by itself; or paste an `access_token` here, without `Bearer`.',
    ...(demo ? ['', `**Development:** the demo user \`${demo.email}\` / \`${demo.password}\` is prefilled in the login example.`] : []),
  ].join('\n');
}

/** `/auth/login` and `/auth/logout` for the OpenAPI document, and the schemas they use. */
export function authPaths(demo?: DemoLogin): { paths: Record<string, unknown>; schemas: Record<string, JsonSchema> } {
  const schema = (s: z.ZodType, io: 'input' | 'output') => {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io, target: 'draft-2020-12' }) as JsonSchema;
    return rest;
  };
  const loginExample = demo ?? { email: 'you@example.com', password: 'your password' };
  return {
    schemas: { LoginRequest: schema(loginRequestSchema, 'input'), LoginAnswer: schema(loginAnswerSchema, 'output') },
    paths: {
      '/auth/login': {
        post: {
          operationId: 'login',
          tags: ['auth'],
          summary: 'Log in: trade an email and password for a bearer token',
          description: 'Public. Attempts are limited per account and address (429 with `Retry-After` past the limit).',
          security: [],
          requestBody: { required: true, content: json(ref('LoginRequest'), loginExample) },
          responses: {
            200: { description: 'OK', content: json(ref('LoginAnswer')) },
            401: { description: 'Unknown email or wrong password (the same answer for both).', content: json(ref('Error'), { detail: 'Invalid email or password' }) },
            413: { description: 'Request body larger than 16 KB.', content: json(ref('Error')) },
            415: { description: 'A body that is not `application/json`.', content: json(ref('Error'), { detail: 'Content-Type must be application/json' }) },
            422: {
              description: 'Validation failed: malformed JSON, a body that is not an object, or a missing or malformed field.',
              content: json(ref('ValidationError'), { detail: [{ loc: ['body', 'email'], msg: 'Field required', type: 'missing' }] }),
            },
            429: { description: 'Too many attempts (with `Retry-After`).', content: json(ref('Error')) },
            503: { description: 'The user store is unavailable; retry later (with `Retry-After`).', content: json(ref('Error')) },
          },
        },
      },
      '/auth/logout': {
        post: {
          operationId: 'logout',
          tags: ['auth'],
          summary: 'Log out: revoke the bearer token sent',
          security: [{ bearerAuth: [] }],
          responses: {
            200: { description: 'Revoked: the token is refused from now on, everywhere.', content: json({ type: 'object', properties: { success: { const: true } }, required: ['success'] }) },
            401: { description: 'Missing, invalid, expired or revoked bearer token (with `WWW-Authenticate: Bearer`).', content: json(ref('Error'), { detail: 'Missing bearer token', reason: 'missing_token' }) },
            503: { description: 'The revocation store is down; retry later (with `Retry-After`).', content: json(ref('Error')) },
          },
        },
      },
    },
  };
}
