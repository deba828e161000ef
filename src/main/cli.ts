import { ConfigError, loadConfig } from '../config/config.js';
import { openDatabase } from '../platform/db/database.js';
import { createLogger } from '../platform/logging/logger.js';
import { startSubgraphRole } from './subgraph-role.js';

const USAGE = `Usage: focus-kraliki <command>

Commands:
  start      run every role in one process (today: the planning subgraph) on embedded defaults when no URL is set
  subgraph   run the planning subgraph (PLANNING_PORT, default 4001)
  migrate    apply pending database migrations and exit

Configuration comes from the environment; see README.md.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (!command || !['start', 'subgraph', 'migrate'].includes(command) || rest.length > 0) {
    console.error(command ? `Unknown command or argument: ${argv.join(' ')}\n` : 'No command given.\n');
    console.error(USAGE);
    return 2;
  }

  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);

  if (command === 'migrate') {
    const database = await openDatabase({ ...dbOptions(config), logger, migrate: true });
    await database.close();
    logger.info('database is up to date');
    return 0;
  }

  const role = await startSubgraphRole(config, logger);
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    process.once(signal, () => process.exit(1));
    await role.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  return -1;
}

const dbOptions = (config: ReturnType<typeof loadConfig>) => ({
  databaseUrl: config.databaseUrl,
  poolMax: config.databasePoolMax,
  dataDir: config.dataDir,
});

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error('focus-kraliki failed to start:', error);
    process.exit(1);
  },
);
