import type { IncomingMessage } from 'node:http';

/** Content types a browser may send cross-site without a CORS preflight. */
const SIMPLE_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/** The headers that make a GET (or a simple-typed POST) acceptable: a browser cannot add them cross-site. */
export const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name'] as const;

/**
 * Cross-site request forgery prevention for `/graphql`, with Apollo Server's rule (a request a browser could send
 * from another site without a preflight, i.e. no content type or a "simple" one and none of
 * {@link PREFLIGHT_HEADERS}, is refused) and an answer that says what makes the request work. Apollo's own check
 * stays on behind it.
 */
export function csrfRefusal(req: IncomingMessage): { message: string; extensions: { code: 'BAD_REQUEST' } } | undefined {
  if (PREFLIGHT_HEADERS.some((name) => (req.headers[name] ?? '') !== '')) return undefined;
  const type = req.headers['content-type'];
  const mime = type?.split(';')[0]?.trim().toLowerCase();
  if (mime && !SIMPLE_TYPES.has(mime)) return undefined;
  const message =
    req.method === 'GET' || req.method === 'HEAD'
      ? 'A GET to /graphql needs the header `apollo-require-preflight: true` (or `x-apollo-operation-name: <operation>`): browsers cannot add it from another site, which is what protects against cross-site request forgery. A POST with `content-type: application/json` needs neither.'
      : `A POST to /graphql with ${mime ? `content-type ${mime}` : 'no content type'} could come from another site (cross-site request forgery): send \`content-type: application/json\`, or add the header \`apollo-require-preflight: true\`.`;
  return { message, extensions: { code: 'BAD_REQUEST' } };
}
