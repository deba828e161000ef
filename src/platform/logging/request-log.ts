import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestTraceOf } from '../telemetry/request-trace.js';
import type { TraceContext } from '../telemetry/trace-context.js';
import type { Logger } from './logger.js';
import { boundedLogText } from './bounded-text.js';

/** What one request's log line says beyond method, path, status and duration; filled in as the request proceeds. */
export interface RequestLogFields {
  requestId?: string;
  /** The GraphQL operation name (or the REST shim's operation) when known. */
  operationName?: string;
  userId?: string;
  orgId?: string;
}

const fieldsByRequest = new WeakMap<IncomingMessage, RequestLogFields>();

/** The log fields of `req`'s request line, for code further down the request path (authentication, GraphQL). */
export function requestLogFields(req: IncomingMessage): RequestLogFields {
  let fields = fieldsByRequest.get(req);
  if (!fields) fieldsByRequest.set(req, (fields = {}));
  return fields;
}

/** The longest request path a log line carries (the rest is cut, its length said). */
const MAX_LOGGED_PATH = 256;

/** Probes and scrapes are logged at debug, so they do not drown the request lines. */
const PROBE_PATHS = new Set(['/health', '/ready', '/metrics']);

/**
 * Starts observing one HTTP request: its trace (see `requestTraceOf`) and, when the response closes, exactly one log
 * line `{component, requestId, operationName, userId, orgId, traceId, method, path, status, durationMs}`. At debug
 * level the line also carries the request headers, redacted by the logger. Returns the fields to fill in later.
 */
export function observeRequest(logger: Logger, component: string, req: IncomingMessage, res: ServerResponse, initial: RequestLogFields = {}): { fields: RequestLogFields; trace: TraceContext } {
  const fields = Object.assign(requestLogFields(req), initial);
  const started = performance.now();
  const requestTrace = requestTraceOf(req);
  const path = boundedLogText(new URL(req.url ?? '/', 'http://localhost').pathname, MAX_LOGGED_PATH);
  res.once('close', () => {
    const status = res.statusCode;
    requestTrace.end(status);
    const level = PROBE_PATHS.has(path) ? 'debug' : status >= 500 ? 'error' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    logger[level](
      {
        component,
        ...fields,
        traceId: requestTrace.context.traceId,
        method: req.method,
        path,
        status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        ...(res.writableFinished ? {} : { aborted: true }),
        ...(logger.isLevelEnabled('debug') ? { headers: req.headers } : {}),
      },
      `${component}: ${req.method} ${path} ${status}`,
    );
  });
  return { fields, trace: requestTrace.context };
}

/** The operation name of a GraphQL request: `operationName` of the POST body or of a GET's query string. */
export function operationNameOf(body: unknown, url: string | undefined): string | undefined {
  const given =
    body && typeof body === 'object' && !Array.isArray(body)
      ? (body as { operationName?: unknown }).operationName
      : new URL(url ?? '/', 'http://localhost').searchParams.get('operationName');
  return typeof given === 'string' && given !== '' ? given : undefined;
}
