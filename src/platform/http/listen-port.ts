import { createServer } from 'node:net';

/**
 * Why a server could not listen, in words, from the error `listen()` gave: `is already in use` for EADDRINUSE,
 * undefined when the error is not about the address.
 *
 * @example
 * server.once('error', (error) => console.error(`port 4001 ${listenProblemOf(error) ?? error.message}`));
 */
export function listenProblemOf(error: unknown): string | undefined {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'EADDRINUSE':
      return 'is already in use';
    case 'EACCES':
      return 'needs privileges this process does not have';
    case 'EADDRNOTAVAIL':
      return 'cannot be listened on: the host is not an address of this machine';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'cannot be listened on: the host name does not resolve';
    default:
      return undefined;
  }
}

/**
 * Listens on `port` of `host` and closes again at once: undefined when a server could listen there now, else
 * {@link listenProblemOf} the refusal. Port 0 is always available.
 *
 * @example
 * await portProblem('127.0.0.1', 4001); // 'is already in use' while another process listens there
 */
export async function portProblem(host: string, port: number): Promise<string | undefined> {
  if (port === 0) return undefined;
  const probe = createServer();
  return new Promise((resolve, reject) => {
    probe.once('error', (error) => {
      const problem = listenProblemOf(error);
      if (problem) resolve(problem);
      else reject(error);
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}
