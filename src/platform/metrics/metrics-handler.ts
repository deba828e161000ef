import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { sendJson } from '../http/graphql-http.js';

/** `GET /metrics`: the registry in Prometheus text format (gauges that read a pool or a table collect now). */
export function metricsHandler(registry: Registry) {
  return async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body: string;
    try {
      body = await registry.metrics();
    } catch (error) {
      return sendJson(res, 500, { detail: `Metrics collection failed: ${(error as Error).message}` });
    }
    res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
    res.end(body);
  };
}
