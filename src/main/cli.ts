import { type Config, ConfigError, loadConfig } from '../config/config.js';
import { openDatabase } from '../platform/db/database.js';
import { outboxLag } from '../platform/outbox/outbox-relay.js';
import { createLogger, type Logger } from '../platform/logging/logger.js';
import { startSubgraphRole } from './subgraph-role.js';
import { startWorkerRole } from './worker-role.js';
import { devEventInjector } from '../platform/messaging/dev-event-injector.js';
import { InProcessEventBus } from '../platform/messaging/in-process-event-bus.js';

const USAGE = `Usage: focus-kraliki <command>

Commands:
  start      run every role in one process (subgraph + worker), on embedded defaults when no URL is set
  subgraph   run the planning subgraph (PLANNING_PORT, default 4001)
  worker     run the outbox relay and the consumer of other modules' events
  migrate    apply pending database migrations and exit
  outbox     print the outbox lag (unsent events, age of the oldest) as JSON and exit

Configuration comes from the environment; see README.md.`;

const COMMANDS = ['start', 'subgraph', 'worker', 'migrate', 'outbox'] as const;
type Command = (typeof COMMANDS)[number];

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (!command || !(COMMANDS as readonly string[]).includes(command) || rest.length > 0) {
    console.error(command ? `Unknown command or argument: ${argv.join(' ')}\n` : 'No command given.\n');
    console.error(USAGE);
    return 2;
  }

  let config: Config;
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
  return run(command as Command, config, logger);
}

async function run(command: Command, config: Config, logger: Logger): Promise<number> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    poolMax: config.databasePoolMax,
    dataDir: config.dataDir,
    logger,
  });
  if (command === 'migrate') {
    await database.close();
    logger.info('database is up to date');
    return 0;
  }
  if (command === 'outbox') {
    const lag = await outboxLag(database.orm);
    console.log(JSON.stringify(lag));
    await database.close();
    return 0;
  }

  const stoppers: Array<() => Promise<void>> = [];
  const worker = command === 'start' || command === 'worker' ? await startWorkerRole(config, logger, database) : undefined;
  if (command === 'start' || command === 'subgraph') {
    // With the in-process bus (one process, development), other modules' events can be injected over HTTP.
    const injector =
      worker?.bus instanceof InProcessEventBus && !config.isProduction ? { '/dev/events': devEventInjector(worker.bus) } : undefined;
    const subgraph = await startSubgraphRole(config, logger, database, injector);
    stoppers.push(() => subgraph.stop());
  }
  if (worker) stoppers.push(() => worker.stop());

  const shutdown = async (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down (a second signal exits at once)');
    process.once(signal, () => process.exit(1));
    for (const stop of stoppers) await stop().catch((err: unknown) => logger.error({ err }, 'error while stopping'));
    await database.close();
    process.exit(0);
  };
  process.once('SIGTERM', (s) => void shutdown(s));
  process.once('SIGINT', (s) => void shutdown(s));
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error('focus-kraliki failed to start:', error);
    process.exit(1);
  },
);
