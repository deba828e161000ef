import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { sendJson } from '../platform/http/graphql-http.js';
import { type ReadinessCheck, readinessRoute } from '../platform/http/readiness.js';
import type { Logger } from '../platform/logging/logger.js';
import { HttpMetrics } from '../platform/metrics/http-metrics.js';
import { metricsHandler } from '../platform/metrics/metrics-handler.js';

export interface WorkerHttpOptions {
  metrics: Registry;
  /** What `/ready` checks (PostgreSQL, RabbitMQ). */
  readiness: readonly ReadinessCheck[];
  logger: Logger;
  port: number;
  host: string;
}

export interface RunningWorkerHttp {
  origin: string;
  stop(): Promise<void>;
}

/**
 * The worker's small HTTP server, for orchestrators and Prometheus: `/health` (liveness: the process answers, no
 * dependency is called), `/ready` (PostgreSQL and RabbitMQ, 503 naming the failing one) and `/metrics`.
 */
export async function startWorkerHttp(options: WorkerHttpOptions): Promise<RunningWorkerHttp> {
  const http = new HttpMetrics(options.metrics);
  const routes: Partial<Record<string, (req: IncomingMessage, res: ServerResponse) => unknown>> = {
    '/health': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    '/ready': readinessRoute(options.readiness),
    '/metrics': metricsHandler(options.metrics),
  };
  const server = createServer((req, res) => {
    // No answer of this server is to be sniffed into another type than it declares.
    res.setHeader('x-content-type-options', 'nosniff');
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const route = routes[pathname];
    http.track(req, res, route ? pathname : 'unmatched');
    if (!route) return sendJson(res, 404, { detail: 'Not Found' });
    Promise.resolve(route(req, res)).catch((error: unknown) => {
      options.logger.error({ err: error, path: pathname }, 'worker http: request failed');
      if (!res.headersSent) sendJson(res, 500, { detail: 'Internal server error' });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${options.host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
