import { PLANNING_ENTITIES } from '../modules/planning-entities.js';
import { type Config, ConfigError, loadConfig } from '../config/config.js';
import { FederationError } from '../platform/federation/federation.errors.js';
import { openDatabase } from '../platform/db/database.js';
import { SchemaTooNewError } from '../platform/db/schema-version.js';
import { KeyLoadError } from '../platform/identity/signing-keys.js';
import { createLogger, type Logger } from '../platform/logging/logger.js';
import { startTelemetry } from '../platform/telemetry/telemetry.js';
import { devEventInjector } from '../platform/messaging/dev-event-injector.js';
import { InProcessEventBus } from '../platform/messaging/in-process-event-bus.js';
import { compose, keysGenerate, outboxStatus, tokenMint, UsageError, userAdd } from './commands.js';
import { keyRingFor } from './identity-setup.js';
import { planningDataCacheFor } from './planning-cache-setup.js';
import { assertPortsAvailable, listeningOn, PortUnavailableError, reachableUrl, type Role, rolePortsOf } from './role-ports.js';
import { startupBanner } from './startup-banner.js';

const USAGE = `Usage: focus-kraliki <command> [options]

Roles (long-running):
  start                 everything in one process: gateway, planning subgraph, worker, comms example
                        (COMMS_PORT, default PORT + 2); the gateway routes to the subgraphs where they listen
  gateway               the public gateway (PORT, default 4000; 0: any free port)
  subgraph              the planning subgraph (PLANNING_PORT, default PORT + 1)
  worker                the outbox relay and the consumer of other modules' events (WORKER_PORT, default PORT + 3)

Commands:
  migrate               apply pending database migrations
  compose [--config F] [--out F]
                        compose schema/supergraph.yaml into schema/supergraph.graphql
  keys generate [--out FILE] [--if-missing]
                        a new Ed25519 signing key (PKCS#8 PEM) on stdout or into FILE
  token mint --sub ID --org ORG --roles r1,r2 [--ttl SECONDS]
                        an access token signed with the gateway key
  user add --email E --password P --org ORG --roles r1,r2
                        a user who can log in at POST /auth/login
  outbox                the outbox lag (unsent events, age of the oldest) as JSON
  contracts usage [--metrics-url URL] [--supergraph FILE] [--json]
                        operations using each deprecated field, argument or enum value, by client (0 when unused),
                        from the gateways' Redis (REDIS_URL) or one gateway's /metrics

Configuration comes from the environment; see README.md.`;

type Run = (rest: string[], config: () => Config, logger: () => Logger) => Promise<number>;

const COMMANDS: Record<string, Run> = {
  start: (rest, config, logger) => noArgs(rest, () => runRoles(['gateway', 'subgraph', 'worker', 'comms'], config(), logger())),
  gateway: (rest, config, logger) => noArgs(rest, () => runRoles(['gateway'], config(), logger())),
  subgraph: (rest, config, logger) => noArgs(rest, () => runRoles(['subgraph'], config(), logger())),
  worker: (rest, config, logger) => noArgs(rest, () => runRoles(['worker'], config(), logger())),
  migrate: (rest, config, logger) =>
    noArgs(rest, async () => {
      const database = await openDatabase({ entities: PLANNING_ENTITIES, databaseUrl: config().databaseUrl, poolMax: 2, dataDir: config().dataDir, logger: logger() });
      await database.close();
      logger().info('database is up to date');
      return 0;
    }),
  outbox: (rest, config, logger) => noArgs(rest, () => outboxStatus(config(), logger())),
  compose: (rest) => compose(rest),
  keys: (rest) => subcommand(rest, { generate: (args) => keysGenerate(args) }),
  token: (rest, config) => subcommand(rest, { mint: (args) => tokenMint(args, config()) }),
  user: (rest, config, logger) => subcommand(rest, { add: (args) => userAdd(args, config(), logger()) }),
  contracts: (rest, config, logger) => subcommand(rest, { usage: async (args) => (await import('./contracts-usage.command.js')).contractsUsage(args, config, logger) }),
};

async function noArgs(rest: string[], run: () => Promise<number>): Promise<number> {
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  return run();
}

async function subcommand(rest: string[], handlers: Record<string, (args: string[]) => Promise<number>>): Promise<number> {
  const [name, ...args] = rest;
  const handler = name ? handlers[name] : undefined;
  if (!handler) throw new UsageError(`expected one of: ${Object.keys(handlers).join(', ')}`);
  return handler(args);
}

/**
 * Starts the roles over one database (one embedded PGlite when no URL is set); stops them gracefully on
 * SIGTERM/SIGINT (see {@link stopGracefully}). A role that cannot listen stops the ones started before it, and the
 * process exits 1 naming the variable and the port.
 */
async function runRoles(roles: Role[], config: Config, logger: Logger): Promise<number> {
  // Ports first: one another process holds, or two roles would share, is named before anything is opened or written.
  const ports = rolePortsOf(roles, config);
  await assertPortsAvailable(ports);
  const portOf = (role: Role) => ports.find((rolePort) => rolePort.role === role)!;
  // Then the keys: a missing production key is a configuration error, reported before anything is opened.
  const needsKeys = roles.includes('gateway') || (roles.includes('subgraph') && config.trustMode !== 'headers' && !config.contextJwksUrl);
  const keys = needsKeys ? await keyRingFor(config) : undefined;
  // Each role's code is loaded only where the role runs: a subgraph or worker replica holds neither the gateway's
  // query planner (some 18 MB of heap) nor the comms example.
  const [gatewayRole, subgraphRole, workerRole, comms] = await Promise.all([
    roles.includes('gateway') ? import('./gateway-role.js') : undefined,
    roles.includes('subgraph') || roles.includes('comms') ? import('./subgraph-role.js') : undefined,
    roles.includes('worker') ? import('./worker-role.js') : undefined,
    roles.includes('comms') ? import('../examples/comms/comms.subgraph.js') : undefined,
  ]);
  const database = await openDatabase({ entities: PLANNING_ENTITIES,
    databaseUrl: config.databaseUrl,
    poolMax: config.databasePoolMax,
    dataDir: config.dataDir,
    logger,
    preparedReads: config.databasePreparedStatements,
    timeouts: config.databaseTimeouts,
    embeddedPort: config.embeddedDatabasePort,
  });
  // Each gets the shutdown's deadline: servers stopped one after another share SHUTDOWN_TIMEOUT_MS.
  const stoppers: Array<(deadline: number) => Promise<void>> = [];
  const urls: Record<string, string> = {};
  // Where the gateway reaches each subgraph (this process's, unless SUBGRAPH_*_URL says otherwise).
  let routing: Record<string, string> | undefined;
  // Planning writers announce their changes here; the gateway's answer cache (GATEWAY_CACHE_SECONDS) reads it.
  const dataCache = planningDataCacheFor(config, logger);
  if (!config.redisUrl && roles.includes('worker') && !roles.includes('gateway')) {
    // Its in-process store is read by no gateway: a gateway elsewhere caching answers would miss these changes.
    logger.warn(
      'worker: REDIS_URL is not set, so the planning changes made from events are announced to no gateway; a gateway with its answer cache on (GATEWAY_CACHE_SECONDS) may serve answers from before them until they expire. Give the worker the gateway\'s REDIS_URL and REDIS_KEY_PREFIX',
    );
  }
  stoppers.push(async () => dataCache.close());
  const telemetry = await startTelemetry({ endpoint: config.otelExporterEndpoint, serviceName: `focus-kraliki-${roles.join('-')}` }, logger);
  stoppers.push(() => telemetry.shutdown());

  let worker: Awaited<ReturnType<typeof import('./worker-role.js').startWorkerRole>> | undefined;
  try {
    worker = workerRole ? await listeningOn(portOf('worker'), () => workerRole.startWorkerRole(config, logger, database, dataCache.cache)) : undefined;
    // Stoppers run in reverse: the gateway stops first (its in-flight requests still reach the subgraphs), the worker last.
    if (worker) {
      const started = worker;
      stoppers.push(() => started.stop());
      urls.worker = started.http.origin;
    }
    const injector = worker?.bus instanceof InProcessEventBus && !config.isProduction ? { '/dev/events': devEventInjector(worker.bus) } : undefined;
    // The subgraphs of this process, at the address each one bound (PLANNING_PORT or COMMS_PORT may be 0).
    const bound: Record<string, string> = {};
    if (roles.includes('subgraph') && subgraphRole) {
      const subgraph = await listeningOn(portOf('subgraph'), () => subgraphRole.startSubgraphRole(config, logger, database, injector, keys, worker?.bus, dataCache.cache));
      stoppers.push((deadline) => subgraph.stop(deadline));
      urls.planning = subgraph.url;
      bound.planning = reachableUrl(subgraph.url);
    }
    if (comms && subgraphRole) {
      // The example learns its calls from the comms.call.ended events on this process's bus (or RabbitMQ's exchange).
      const events = worker?.bus instanceof InProcessEventBus
        ? comms.inProcessCallEvents(worker.bus)
        : config.rabbitmqUrl && comms.rabbitMqCallEvents({ url: config.rabbitmqUrl, exchange: config.events.topology.exchange, logger });
      const callers = subgraphRole.callerResolverFor(config, keys, logger, 'comms');
      const server = await listeningOn(portOf('comms'), () => comms.startCommsSubgraph({ port: config.commsPort, host: config.planningHost, callers, events: events || undefined, logger }));
      stoppers.push((deadline) => server.stop(deadline));
      urls.comms = server.url;
      bound.comms = reachableUrl(server.url);
    }
    if (gatewayRole) {
      // An explicit SUBGRAPH_*_URL still wins over the address the subgraph bound here.
      const gatewayConfig = { ...config, subgraphUrls: { ...bound, ...config.subgraphUrls } };
      const gateway = await listeningOn(portOf('gateway'), () => gatewayRole.startGatewayRole(gatewayConfig, logger, database, keys!, undefined, dataCache.cache));
      stoppers.push((deadline) => gateway.stop(deadline));
      urls.gateway = gateway.gateway.url;
      routing = gateway.routingUrls;
    }
  } catch (error) {
    // A role could not start (e.g. its port was taken since it was checked): the ones already running stop first.
    await runSteps([...stoppers.reverse(), () => database.close()], Date.now() + config.shutdownTimeoutMs, logger);
    throw error;
  }
  const demoLogin = gatewayRole && database.mode === 'embedded' && !config.isProduction ? gatewayRole.DEMO_USER : undefined;

  logger.info(
    {
      urls,
      ...(routing ? { routing } : {}),
      database: database.mode,
      bus: worker?.bus.kind,
      redis: config.redisUrl ? 'redis' : 'in-process',
      ...(demoLogin ? { demoLogin: { email: demoLogin.email, password: demoLogin.password } } : {}),
    },
    `focus-kraliki ${roles.join(' + ')} ready`,
  );

  process.stderr.write(
    startupBanner({
      roles,
      urls,
      routing,
      docsUrl: urls.gateway ? new URL('/docs', urls.gateway).toString() : undefined,
      ideUrl: urls.gateway && !config.isProduction ? urls.gateway : undefined,
      database: { mode: database.mode, location: database.location },
      redis: config.redisUrl ? 'redis' : 'in-process',
      bus: worker?.bus.kind,
      demoLogin,
    }),
  );

  stopGracefully([...stoppers.reverse(), () => database.close()], config.shutdownTimeoutMs, logger);
  return -1;
}

/** Runs `steps` in order, each given `deadline`; a step that fails is logged and the next one still runs. False when one failed. */
async function runSteps(steps: Array<(deadline: number) => Promise<void>>, deadline: number, logger: Logger): Promise<boolean> {
  let ok = true;
  for (const step of steps) {
    await step(deadline).catch((err: unknown) => {
      ok = false;
      logger.error({ err }, 'error while stopping');
    });
  }
  return ok;
}

/**
 * On the first SIGTERM/SIGINT runs `steps` in order (each HTTP server stops accepting, lets in-flight requests
 * finish until `timeoutMs` after the signal, one deadline for all of them, and closes its keep-alive connections; the worker stops consuming and lets the relay
 * finish its batch; the pools close) and exits 0, or 1 when a step failed or the whole did not end in time. A second
 * signal exits at once with 130 (SIGINT) or 143 (SIGTERM).
 */
function stopGracefully(steps: Array<(deadline: number) => Promise<void>>, timeoutMs: number, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    stopping = true;
    logger.info({ signal, timeoutMs }, 'shutting down: finishing in-flight work (a second signal exits at once)');
    // The servers share one deadline (each drains until it at most) and close their connections there; the margin
    // covers the worker's batch and the pools.
    const deadline = Date.now() + timeoutMs;
    setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, timeoutMs + 5_000).unref();
    void runSteps(steps, deadline, logger).then((ok) => {
      logger.info('stopped');
      process.exit(ok ? 0 : 1);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const run = command ? COMMANDS[command] : undefined;
  if (!run) {
    console.error(command ? `Unknown command: ${command}\n` : 'No command given.\n');
    console.error(USAGE);
    return 2;
  }
  let config: Config | undefined;
  let logger: Logger | undefined;
  const getConfig = () => (config ??= loadConfig(process.env));
  try {
    return await run(rest, getConfig, () => (logger ??= createLogger(getConfig().logLevel)));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof KeyLoadError) {
      console.error(`Invalid configuration:\n  - ${error.message}`);
      return 1;
    }
    if (error instanceof ConfigError || error instanceof FederationError || error instanceof PortUnavailableError || error instanceof SchemaTooNewError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error('focus-kraliki failed:', error);
    process.exit(1);
  },
);
