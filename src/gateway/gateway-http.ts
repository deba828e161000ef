import { createServer, type Server } from 'node:http';
import { HandlersInFlight } from '../platform/http/drain-http-server.js';
import { sendJson } from '../platform/http/graphql-http.js';
import type { Logger } from '../platform/logging/logger.js';
import { observeRequest } from '../platform/logging/request-log.js';
import type { GatewayMetrics } from '../platform/metrics/gateway-metrics.js';
import { routeTemplates } from '../platform/metrics/route-template.js';
import { requestIdOf } from './admission.js';
import type { RouteHandler } from './gateway-options.js';

/** Finds a request's route: exact paths, or prefixes given as `/prefix/*` (which also take `/prefix` itself). */
export function routeTable(routes: Record<string, RouteHandler>): (pathname: string) => RouteHandler | undefined {
  const prefixes = Object.entries(routes)
    .filter(([path]) => path.endsWith('/*'))
    .map(([path, handler]) => [path.slice(0, -1), handler] as const);
  return (pathname) => routes[pathname] ?? prefixes.find(([prefix]) => pathname.startsWith(prefix) || `${pathname}/` === prefix)?.[1];
}

/**
 * The gateway's HTTP server over `routes`: one log line and one duration per request (labelled by route template),
 * `nosniff` on every answer, 404 for no route, and a handler that fails answered 500 without internals. `handlers`
 * tracks the running ones, so a shutdown lets them finish, also when their client has gone.
 */
export function gatewayHttpServer(deps: { routes: Record<string, RouteHandler>; templates?: string[]; logger: Logger; metrics?: GatewayMetrics }): { httpServer: Server; handlers: HandlersInFlight } {
  const routeFor = routeTable(deps.routes);
  const templateOf = routeTemplates([...Object.keys(deps.routes), ...(deps.templates ?? [])]);
  const handlers = new HandlersInFlight();
  // Request timeouts are checked every second (Node's default, 30 s, would let a slow sender stay that much longer).
  const httpServer = createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    // No answer of this server is to be sniffed into another type than it declares.
    res.setHeader('x-content-type-options', 'nosniff');
    observeRequest(deps.logger, 'gateway', req, res, { requestId: requestIdOf(req) });
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const route = routeFor(pathname);
    deps.metrics?.track(req, res, templateOf(pathname));
    if (!route) return sendJson(res, 404, { detail: 'Not Found' });
    handlers.track(
      Promise.resolve(route(req, res)).catch((error: unknown) => {
        deps.logger.error({ err: error, path: pathname }, 'gateway: request failed');
        // /graphql answers in GraphQL's shape; every other route in the REST shim's.
        const body = pathname === '/graphql' ? { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } : { detail: 'Internal server error' };
        if (!res.headersSent) sendJson(res, 500, body);
        else res.end();
      }),
    );
  });
  return { httpServer, handlers };
}
