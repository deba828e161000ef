/**
 * Runs the example comms subgraph on its own (docker-compose service `comms-example`). Like the planning subgraph it
 * takes the caller only from the gateway-signed context (audience `comms`), checked against the gateway's JWKS.
 * It learns its calls from the `comms.call.ended` events on RabbitMQ (`RABBITMQ_URL`, exchange `EVENTS_EXCHANGE`,
 * default platform.events); without `RABBITMQ_URL` it hears of no call and every task's `callbacks` is empty.
 * COMMS_PORT (default 4002), COMMS_HOST (default 127.0.0.1; 0.0.0.0 in a container), COMMS_CONTEXT_JWKS_URL (the
 * gateway's `/.well-known/jwks.json`, required), AUTH_ISSUER (default focus-kraliki) and LOG_LEVEL (default info)
 * configure it too.
 */
import { createLogger } from '../../platform/logging/logger.js';
import { CONTEXT_CLOCK_TOLERANCE_SECONDS, CONTEXT_TTL_SECONDS } from '../../platform/identity/platform-context.js';
import { TokenVerifier } from '../../platform/identity/token-verifier.js';
import { SignedContextCallerResolver } from '../../subgraph/caller-from-request.js';
import { rabbitMqCallEvents, startCommsSubgraph } from './comms.subgraph.js';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function readPort(raw: string | undefined): number {
  const port = Number(raw ?? '4002');
  if (raw === '' || !Number.isInteger(port) || port < 0 || port > 65_535) fail(`COMMS_PORT must be an integer from 0 to 65535, got "${raw}"`);
  return port;
}

const jwksUrl = process.env.COMMS_CONTEXT_JWKS_URL;
if (!jwksUrl || !/^https?:\/\//.test(jwksUrl)) fail(`COMMS_CONTEXT_JWKS_URL must be the gateway's JWKS URL (http://<gateway>/.well-known/jwks.json), got "${jwksUrl ?? ''}"`);

const rabbitmqUrl = process.env.RABBITMQ_URL || undefined;
if (rabbitmqUrl && !/^amqps?:\/\//.test(rabbitmqUrl)) fail(`RABBITMQ_URL must be an amqp:// or amqps:// URL, got "${rabbitmqUrl}"`);
const logger = createLogger(process.env.LOG_LEVEL || 'info', 'comms-example');
if (!rabbitmqUrl) logger.warn('RABBITMQ_URL is not set: the comms example hears no comms.call.ended event, so every task has no callbacks');

const verifier = new TokenVerifier({
  issuer: process.env.AUTH_ISSUER || 'focus-kraliki',
  audience: 'comms',
  clockToleranceSeconds: CONTEXT_CLOCK_TOLERANCE_SECONDS,
  maxTokenAgeSeconds: CONTEXT_TTL_SECONDS,
  localJwks: { keys: [] },
  trustedJwksUrls: [jwksUrl],
});
const comms = await startCommsSubgraph({
  port: readPort(process.env.COMMS_PORT),
  host: process.env.COMMS_HOST || '127.0.0.1',
  callers: new SignedContextCallerResolver(verifier, 'comms'),
  events: rabbitmqUrl ? rabbitMqCallEvents({ url: rabbitmqUrl, exchange: process.env.EVENTS_EXCHANGE || 'platform.events', logger }) : undefined,
  logger,
});
console.log(`comms example subgraph ready at ${comms.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    comms.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('comms example subgraph: stop failed', error);
        process.exit(1);
      },
    );
  });
}
