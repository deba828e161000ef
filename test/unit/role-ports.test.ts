import { HeaderCallerResolver } from '../../src/subgraph/caller-from-request.js';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { startCommsSubgraph } from '../../src/examples/comms/comms.subgraph.js';
import { assertPortsAvailable, listeningOn, PortUnavailableError, reachableUrl, rolePortsOf } from '../../src/main/role-ports.js';

/** A port another "process" holds: a server of the test's own, on a port the system chose. */
async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

const ADVICE = 'choose another port, or 0 for any free port';

describe('role ports', () => {
  const held: Server[] = [];
  afterEach(async () => {
    for (const server of held.splice(0)) await new Promise((resolve) => server.close(resolve));
  });

  it('when a configured port is held by another listener, then the error names the variable and the port', async () => {
    const { port, server } = await holdPort();
    held.push(server);
    const ports = rolePortsOf(['gateway', 'subgraph', 'worker', 'comms'], loadConfig({ PORT: '0', PLANNING_PORT: String(port) }));
    const error = await assertPortsAvailable(ports).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(PortUnavailableError);
    expect((error as Error).message).toBe(`Cannot start: PLANNING_PORT ${port} is already in use (on 127.0.0.1); ${ADVICE}`);
  });

  it('when two roles of the process would share a port, then each clash is named with both variables', async () => {
    const { port, server } = await holdPort();
    held.push(server);
    const config = loadConfig({ PORT: '0', PLANNING_PORT: String(port), COMMS_PORT: String(port) });
    const error = (await assertPortsAvailable(rolePortsOf(['gateway', 'subgraph', 'worker', 'comms'], config)).catch((e: unknown) => e)) as PortUnavailableError;
    expect(error.problems).toEqual([
      `PLANNING_PORT ${port} is already in use (on 127.0.0.1); ${ADVICE}`,
      `COMMS_PORT ${port} is also PLANNING_PORT: every role of the process needs its own port; ${ADVICE}`,
    ]);
  });

  it('when every port is 0, then nothing is refused (each role gets its own free port)', async () => {
    await expect(assertPortsAvailable(rolePortsOf(['gateway', 'subgraph', 'worker', 'comms'], loadConfig({ PORT: '0' })))).resolves.toBeUndefined();
  });

  it('when a port is taken between the check and the listen, then the role\'s failure names its variable and port', async () => {
    const { port, server } = await holdPort();
    held.push(server);
    const [comms] = rolePortsOf(['comms'], loadConfig({ PORT: '0', COMMS_PORT: String(port) }));
    const error = await listeningOn(comms!, () => startCommsSubgraph({ port, host: '127.0.0.1', callers: new HeaderCallerResolver() })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortUnavailableError);
    expect((error as Error).message).toBe(`Cannot start: COMMS_PORT ${port} is already in use (on 127.0.0.1); ${ADVICE}`);
  });

  it('when a server reports a wildcard address, then the others of the process reach it on loopback', () => {
    expect(reachableUrl('http://0.0.0.0:4001/graphql')).toBe('http://127.0.0.1:4001/graphql');
    expect(reachableUrl('http://[::]:4001/graphql')).toBe('http://[::1]:4001/graphql');
    expect(reachableUrl('http://127.0.0.1:4001/graphql')).toBe('http://127.0.0.1:4001/graphql');
  });
});
