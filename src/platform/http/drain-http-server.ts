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
 * With `handlers`, it then waits (within the same `timeoutMs`) for every tracked request handler to end, also those
 * whose client has gone: the caller may close the database pool once this resolves. Resolves with the number of
 * tracked handlers still running at the timeout (0 when all ended).
 *
 * With `deadline` (epoch ms, the process's shutdown deadline), the timeout is cut short to end there at the latest
 * ({@link drainTimeout}), so that servers stopped one after another share one shutdown budget.
 *
 * @example
 * await drainHttpServer(httpServer, 10_000, { handlers, deadline });
 */
export async function drainHttpServer(
  server: Server,
  timeoutMs: number,
  options: { handlers?: HandlersInFlight; deadline?: number } = {},
): Promise<{ unfinished: number }> {
  const { handlers } = options;
  const drainMs = drainTimeout(timeoutMs, options.deadline);
  const deadline = Date.now() + drainMs;
  if (server.listening) {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // A keep-alive connection becomes idle once its last answer is out; close it then rather than at the timeout.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const closeAll = setTimeout(() => server.closeAllConnections(), drainMs);
    try {
      await closed;
    } finally {
      clearInterval(sweep);
      clearTimeout(closeAll);
    }
  }
  // A client that gave up closed its connection, but its request still runs: let it finish before the caller closes
  // the pools it uses (else it fails half-way, a write rolled back and an error logged for every such request).
  await handlers?.settled(deadline);
  return { unfinished: handlers?.size ?? 0 };
}

/**
 * How long a server stopping now may drain: its own timeout, cut short by the process's shutdown `deadline` (epoch ms)
 * when one is given, so that servers stopped one after another share one shutdown budget.
 */
export function drainTimeout(timeoutMs: number, deadline?: number): number {
  return deadline === undefined ? timeoutMs : Math.max(0, Math.min(timeoutMs, deadline - Date.now()));
}

/**
 * The request handlers of one HTTP server that are still running, whether or not their client is still connected,
 * for {@link drainHttpServer}.
 */
export class HandlersInFlight {
  private readonly running = new Set<Promise<void>>();

  /** Tracks `handler` until it settles. Its outcome is not looked at: the caller handles its errors. */
  track(handler: Promise<unknown>): void {
    const done: Promise<void> = handler.then(
      () => void this.running.delete(done),
      () => void this.running.delete(done),
    );
    this.running.add(done);
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves true once every tracked handler has settled, or false at `deadline` (epoch ms) with some still running. */
  async settled(deadline: number): Promise<boolean> {
    while (this.running.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(this.running), new Promise((resolve) => (timer = setTimeout(resolve, left)))]);
      clearTimeout(timer);
    }
    return true;
  }
}
