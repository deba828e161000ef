import type { IncomingMessage, ServerResponse } from 'node:http';
import { Gauge, Histogram, type Registry } from 'prom-client';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * `http_request_duration_seconds{method, route, status}`: every answered request, by route template; and
 * `http_requests_in_flight`: requests received and not answered yet (what a shutdown waits for).
 */
export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status'>;
  private readonly inFlight: Gauge;

  constructor(registry: Registry) {
    this.inFlight = new Gauge({ name: 'http_requests_in_flight', help: 'HTTP requests received and not answered yet', registers: [registry] });
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** Times the request from now until its response is finished or the connection closes. `route` must be a template. */
  track(req: IncomingMessage, res: ServerResponse, route: string): void {
    const method = req.method && METHODS.has(req.method) ? req.method : 'OTHER';
    const end = this.duration.startTimer({ method, route });
    this.inFlight.inc();
    res.once('close', () => {
      this.inFlight.dec();
      end({ status: res.writableFinished ? String(res.statusCode) : 'aborted' });
    });
  }
}
