import { createHash, timingSafeEqual } from 'node:crypto';
import { sendJson } from '../platform/http/graphql-http.js';
import { readinessRoute } from '../platform/http/readiness.js';
import type { GatewayMetrics } from '../platform/metrics/gateway-metrics.js';
import type { GatewayOptions, RouteHandler } from './gateway-options.js';
import { checkModules, subgraphRoutingUrls } from './module-health.js';

/** `/health` (liveness, each subgraph's beside it), `/ready` (dependencies), `/metrics` (as `metrics.access` says). */
export function operationalRoutes(options: GatewayOptions, metrics: GatewayMetrics | undefined): Record<string, RouteHandler> {
  const moduleUrls = subgraphRoutingUrls(options.supergraphSdl, options.subgraphUrls);
  const access = options.metrics?.access ?? 'open';
  return {
    // Liveness: the gateway answers "ok" whatever its modules do; each subgraph's own /health is reported beside it.
    '/health': async (_req, res) => {
      res.setHeader('cache-control', 'no-store');
      sendJson(res, 200, { status: 'ok', modules: await checkModules(moduleUrls, 1000) });
    },
    '/ready': readinessRoute(options.readiness ?? [{ name: 'redis', check: () => options.revocations.ping() }]),
    ...(metrics && access !== 'off' ? { '/metrics': guardedMetrics(metrics.serve, access) } : {}),
  };
}

/** `/metrics` for a scraper holding the token only (constant-time comparison), when one is configured. */
function guardedMetrics(serve: RouteHandler, access: 'open' | { token: string }): RouteHandler {
  if (access === 'open') return serve;
  const expected = createHash('sha256').update(access.token).digest();
  return (req, res) => {
    const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!timingSafeEqual(createHash('sha256').update(given).digest(), expected)) {
      res.setHeader('www-authenticate', 'Bearer realm="metrics"');
      return sendJson(res, 401, { detail: 'The metrics need the scrape token (METRICS_TOKEN)' });
    }
    return serve(req, res);
  };
}
