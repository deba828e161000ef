import type { Config } from '../config/config.js';
import { openDatabase } from '../platform/db/database.js';
import type { Logger } from '../platform/logging/logger.js';
import { HeaderCallerResolver } from '../subgraph/caller-from-request.js';
import { startPlanningSubgraph } from '../subgraph/planning-server.js';

/** Composition root of the planning subgraph role: database, caller trust mode, HTTP server. */
export async function startSubgraphRole(config: Config, logger: Logger) {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    poolMax: config.databasePoolMax,
    dataDir: config.dataDir,
    logger,
  });
  const subgraph = await startPlanningSubgraph({
    orm: database.orm,
    callers: new HeaderCallerResolver(),
    cursorSecret: config.cursorSecret,
    logger,
    isProduction: config.isProduction,
    port: config.planningPort,
    host: config.planningHost,
  });
  logger.info(
    { url: subgraph.url, database: database.mode, location: database.location, trustMode: config.trustMode },
    `planning subgraph listening on ${subgraph.url}`,
  );
  return {
    subgraph,
    database,
    async stop() {
      await subgraph.stop();
      await database.close();
    },
  };
}
