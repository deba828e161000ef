import type { Config } from '../config/config.js';
import type { Database } from '../platform/db/database.js';
import type { Logger } from '../platform/logging/logger.js';
import { HeaderCallerResolver } from '../subgraph/caller-from-request.js';
import { type PlanningSubgraphOptions, startPlanningSubgraph } from '../subgraph/planning-server.js';

/** Composition root of the planning subgraph role: caller trust mode and HTTP server over the given database. */
export async function startSubgraphRole(
  config: Config,
  logger: Logger,
  database: Database,
  extraRoutes?: PlanningSubgraphOptions['extraRoutes'],
) {
  const subgraph = await startPlanningSubgraph({
    orm: database.orm,
    callers: new HeaderCallerResolver(),
    cursorSecret: config.cursorSecret,
    logger,
    isProduction: config.isProduction,
    port: config.planningPort,
    host: config.planningHost,
    extraRoutes,
  });
  logger.info(
    { url: subgraph.url, database: database.mode, location: database.location, trustMode: config.trustMode },
    `planning subgraph listening on ${subgraph.url}`,
  );
  return subgraph;
}
