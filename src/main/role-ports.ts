import { PlanningError } from '../platform/errors/planning-error.js';
import type { Config } from '../config/config.js';
import { listenProblemOf, portProblem } from '../platform/http/listen-port.js';

/** The long-running roles the CLI starts. */
export type Role = 'gateway' | 'subgraph' | 'worker' | 'comms';

/** Where one role listens, with the variables that say so (for the messages). */
export interface RolePort {
  role: Role;
  variable: 'PORT' | 'PLANNING_PORT' | 'COMMS_PORT' | 'WORKER_PORT';
  host: string;
  port: number;
}

/** The port of every role in `roles`, in the order given. */
export function rolePortsOf(roles: readonly Role[], config: Config): RolePort[] {
  const all: Record<Role, RolePort> = {
    gateway: { role: 'gateway', variable: 'PORT', host: config.gatewayHost, port: config.gatewayPort },
    subgraph: { role: 'subgraph', variable: 'PLANNING_PORT', host: config.planningHost, port: config.planningPort },
    comms: { role: 'comms', variable: 'COMMS_PORT', host: config.planningHost, port: config.commsPort },
    worker: { role: 'worker', variable: 'WORKER_PORT', host: config.planningHost, port: config.workerPort },
  };
  return roles.map((role) => all[role]);
}

/** Some role cannot listen where it is configured to; the message names each variable, port and reason. */
export class PortUnavailableError extends PlanningError {
  readonly code = 'PORT_UNAVAILABLE';
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? `Cannot start: ${problems[0]}` : `Cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const ADVICE = 'choose another port, or 0 for any free port';
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

function describe({ variable, port, host }: RolePort, problem: string): string {
  return `${variable} ${port} ${problem} (on ${host}); ${ADVICE}`;
}

/**
 * Refuses, before anything is opened, ports two roles of this process would share and ports another process holds
 * (each is listened on and closed at once). Every problem is named in one {@link PortUnavailableError}.
 *
 * @example
 * await assertPortsAvailable(rolePortsOf(['gateway', 'subgraph'], config));
 * // PortUnavailableError: Cannot start: PLANNING_PORT 5101 is already in use (on 127.0.0.1); choose another port, or 0 for any free port
 */
export async function assertPortsAvailable(ports: readonly RolePort[]): Promise<void> {
  const sharing = (rolePort: RolePort, other: RolePort) =>
    rolePort.port !== 0 && other.port === rolePort.port && (other.host === rolePort.host || WILDCARDS.has(other.host) || WILDCARDS.has(rolePort.host));
  const problems = await Promise.all(
    ports.map(async (rolePort, index) => {
      const sharedWith = ports.slice(0, index).find((other) => sharing(rolePort, other));
      if (sharedWith) return `${rolePort.variable} ${rolePort.port} is also ${sharedWith.variable}: every role of the process needs its own port; ${ADVICE}`;
      const problem = await portProblem(rolePort.host, rolePort.port);
      return problem && describe(rolePort, problem);
    }),
  );
  const found = problems.filter((problem): problem is string => problem !== undefined);
  if (found.length > 0) throw new PortUnavailableError(found);
}

/**
 * Runs `start` (a role binding `rolePort`) and turns its failure to listen into a {@link PortUnavailableError}
 * naming the variable: the port may have been taken since {@link assertPortsAvailable} looked.
 */
export async function listeningOn<T>(rolePort: RolePort, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const problem = listenProblemOf(error);
    if (problem) throw new PortUnavailableError([describe(rolePort, problem)]);
    throw error;
  }
}

/**
 * The URL another role of the same process uses to reach a server that reported `url`: a wildcard host (0.0.0.0,
 * [::]) listens on loopback too, and is no address to connect to.
 */
export function reachableUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.hostname === '0.0.0.0') parsed.hostname = '127.0.0.1';
  else if (parsed.hostname === '[::]') parsed.hostname = '[::1]';
  return parsed.toString();
}
