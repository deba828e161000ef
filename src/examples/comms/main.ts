/**
 * Runs the example comms subgraph on its own (docker-compose service `comms-example`).
 * COMMS_PORT (default 4002) and COMMS_HOST (default 0.0.0.0) choose where it listens.
 */
import { startCommsSubgraph } from './comms.subgraph.js';

function readPort(raw: string | undefined): number {
  const port = Number(raw ?? '4002');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`COMMS_PORT must be an integer from 0 to 65535, got "${raw}"`);
    process.exit(1);
  }
  return port;
}

const comms = await startCommsSubgraph({
  port: readPort(process.env.COMMS_PORT),
  host: process.env.COMMS_HOST ?? '0.0.0.0',
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
