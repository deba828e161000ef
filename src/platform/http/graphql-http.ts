import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { compressFor } from './compression.js';
import { PlanningError } from '../errors/planning-error.js';

/** Request bodies above this are refused with 413 before any parsing. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A request refused before GraphQL runs: 413 (body too large) or 400 (bad JSON). */
export class HttpError extends PlanningError {
  readonly code: 'PAYLOAD_TOO_LARGE' | 'BAD_REQUEST';
  constructor(
    readonly status: 413 | 400,
    message: string,
  ) {
    super(message);
    this.code = status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
  }
}

/** Reads the body up to `limit` bytes; JSON is parsed, anything else is passed on as text for Apollo to reject. */
export async function readBody(req: IncomingMessage, limit: number = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, `Request body is larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `Request body is larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  const isJson = (req.headers['content-type'] ?? '').toLowerCase().includes('application/json');
  if (!isJson) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Request body is not valid JSON');
  }
}

function toHeaderMap(headers: IncomingHttpHeaders): HeaderMap {
  const map = new HeaderMap();
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) map.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return map;
}

/** Writes a small JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/**
 * Runs one node:http request through Apollo Server (what `startStandaloneServer` does, without its catch-all
 * routing, so a host can serve `/health` beside `/graphql`).
 */
export async function executeGraphQLOverHttp<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  req: IncomingMessage,
  res: ServerResponse,
  /** Builds the operation's context; gets the parsed body (undefined for GET). */
  context: (body: unknown) => Promise<TContext>,
  options: { maxBodyBytes?: number } = {},
): Promise<void> {
  let body: unknown;
  try {
    body = await readBody(req, options.maxBodyBytes ?? MAX_BODY_BYTES);
  } catch (error) {
    const status = error instanceof HttpError ? error.status : 400;
    sendJson(res, status, { errors: [{ message: (error as Error).message, extensions: { code: 'BAD_REQUEST' } }] });
    return;
  }
  await respondWithGraphQL(server, req, res, body, () => context(body));
}

/**
 * Executes an already-read request through Apollo Server and writes the answer, with `extraHeaders` added. With
 * `compressionMinBytes`, a complete answer at least that large goes out br- or gzip-compressed when the client
 * accepts it (see compression.ts).
 */
export async function respondWithGraphQL<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  context: () => Promise<TContext>,
  extraHeaders: Record<string, string> = {},
  options: { compressionMinBytes?: number } = {},
): Promise<void> {
  const response = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: {
      method: (req.method ?? 'GET').toUpperCase(),
      headers: toHeaderMap(req.headers),
      search: new URL(req.url ?? '/', 'http://localhost').search,
      body,
    },
    context,
  });
  for (const [name, value] of Object.entries(extraHeaders)) res.setHeader(name, value);
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    if (!options.compressionMinBytes) return void res.end(response.body.string);
    // The answer depends on Accept-Encoding whether or not this one is compressed (caches must keep them apart).
    res.appendHeader('vary', 'accept-encoding');
    const { body: compressed, encoding } = await compressFor(req, response.body.string, options.compressionMinBytes);
    if (encoding) res.setHeader('content-encoding', encoding);
    res.end(compressed);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * The query, variables and persisted-query hash of a GraphQL request: from a POST body, or for GET from the URL's
 * `query`, `variables` and `extensions` (JSON; unparsable means none). Variables are returned as sent.
 */
export function graphqlParamsOf(body: unknown, url: string | undefined): { query: string | undefined; variables: unknown; persistedQueryHash: string | undefined } {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const { query, variables, extensions } = body as { query?: unknown; variables?: unknown; extensions?: unknown };
    return { query: typeof query === 'string' ? query : undefined, variables: variables ?? {}, persistedQueryHash: persistedQueryHashOf(extensions) };
  }
  const params = new URL(url ?? '/', 'http://localhost').searchParams;
  return {
    query: params.get('query') ?? undefined,
    variables: jsonOrUndefined(params.get('variables')) ?? {},
    persistedQueryHash: persistedQueryHashOf(jsonOrUndefined(params.get('extensions'))),
  };
}

function jsonOrUndefined(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `extensions.persistedQuery.sha256Hash` of an automatic persisted query, when it is a string. */
function persistedQueryHashOf(extensions: unknown): string | undefined {
  const hash = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}
