import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A fresh registry for one role (`gateway`, `subgraph`, `worker`) with the process defaults (CPU, memory, event
 * loop lag, GC, handles). Each role gets its own, never prom-client's global one, so several roles (or several
 * tests) share a process without their metrics colliding; the `role` label tells them apart once scraped.
 *
 * @example
 * const metrics = createMetricsRegistry('worker');
 * routes['/metrics'] = metricsHandler(metrics);
 */
export function createMetricsRegistry(role: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ role });
  collectDefaultMetrics({ register: registry });
  return registry;
}
