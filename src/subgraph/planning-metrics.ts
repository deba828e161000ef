import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Registry } from 'prom-client';
import type { TaskActivityListener } from '../modules/tasks/task.activity.js';
import { registerDbPoolMetrics } from '../platform/metrics/db-pool-metrics.js';
import { graphqlMetricsPlugin } from '../platform/metrics/graphql-metrics.js';
import { HttpMetrics } from '../platform/metrics/http-metrics.js';
import { metricsHandler } from '../platform/metrics/metrics-handler.js';
import { registerOutboxMetrics } from '../platform/metrics/outbox-metrics.js';
import { routeTemplates } from '../platform/metrics/route-template.js';
import { TaskMetrics } from '../modules/tasks/task.metrics.js';
import type { PlanningContext } from './planning-context.js';

/** The subgraph's instruments over `registry`: requests, operations, committed task activity, outbox lag, pool. */
export interface PlanningMetrics {
  /** Times a request under its route template. */
  track(req: IncomingMessage, res: ServerResponse, pathname: string): void;
  serve(req: IncomingMessage, res: ServerResponse): Promise<void>;
  plugin: ApolloServerPlugin<PlanningContext>;
  onTaskActivity: TaskActivityListener;
}

export function planningMetrics(registry: Registry, orm: MikroORM, extraPaths: string[] = []): PlanningMetrics {
  registerOutboxMetrics(registry, orm);
  registerDbPoolMetrics(registry, orm);
  const http = new HttpMetrics(registry);
  const templateOf = routeTemplates(['/graphql', '/health', '/ready', '/metrics', ...extraPaths]);
  return {
    track: (req, res, pathname) => http.track(req, res, templateOf(pathname)),
    serve: metricsHandler(registry),
    plugin: graphqlMetricsPlugin<PlanningContext>(registry),
    onTaskActivity: new TaskMetrics(registry).record,
  };
}
