import type { Server } from 'node:http';

/**
 * Stops `server` gracefully: no new connections, every request already begun runs to its answer, keep-alive
 * connections close as soon as they fall idle, and after `timeoutMs` whatever is left is closed.
 *
 * Runs before Apollo's drain plugin, which half-closes every connection without a parsed request: a request whose
 * bytes had arrived but were not parsed yet would then still run (a task created) with no way to answer it. Node's
 * own idle tracking counts a connection as busy from its first parsed byte, and destroys truly idle ones, whose
 * unread requests were never accepted.
 *
 * @example
 * await drainHttpServer(httpServer, 10_000);
 */
export async function drainHttpServer(server: Server, timeoutMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // A keep-alive connection becomes idle once its last answer is out; close it then rather than at the timeout.
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(deadline);
  }
}
