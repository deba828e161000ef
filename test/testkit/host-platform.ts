import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PlanningCaller, PlanningEvent, PlanningEventDelivery, PlanningEventPublisher } from '../../src/index.js';

/**
 * The host's bus as a test sees it: every event the module hands over, in order, and a way to wait for one without
 * sleeping. `failNext` makes the next publishes reject (the host's bus is down).
 */
export class CollectingPublisher implements PlanningEventPublisher {
  readonly published: Array<{ event: PlanningEvent; delivery: PlanningEventDelivery }> = [];
  failNext = 0;
  attempts = 0;
  private waiters: Array<() => boolean> = [];

  async publish(event: PlanningEvent, delivery: PlanningEventDelivery): Promise<void> {
    this.attempts++;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('the host bus is unavailable');
    }
    this.published.push({ event, delivery });
    this.waiters = this.waiters.filter((settled) => !settled());
  }

  /** Resolves with the first published event matching `predicate` (already published or still to come). */
  until(predicate: (event: PlanningEvent) => boolean): Promise<{ event: PlanningEvent; delivery: PlanningEventDelivery }> {
    return new Promise((resolve) => {
      const settled = () => {
        const found = this.published.find((entry) => predicate(entry.event));
        if (found) resolve(found);
        return found !== undefined;
      };
      if (!settled()) this.waiters.push(settled);
    });
  }
}

/** The host's own sign-in: a session token per logged-in user, resolved to the caller the module is given. */
export class HostSessions {
  private readonly sessions = new Map<string, PlanningCaller>();

  logIn(caller: PlanningCaller): string {
    const token = randomUUID();
    this.sessions.set(token, caller);
    return token;
  }

  /** The caller of a request carrying `Authorization: Bearer <session>`, as the module's `caller` option. */
  readonly callerOf = (request: { headers: IncomingMessage['headers']; user?: unknown }): PlanningCaller | undefined => {
    if (request.user) return request.user as PlanningCaller;
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    return token ? this.sessions.get(token) : undefined;
  };
}

/** A caller of an org of its own. */
export function aHostCaller(overrides: Partial<PlanningCaller> = {}): PlanningCaller {
  return { userId: `user-${randomUUID().slice(0, 8)}`, orgId: `org-${randomUUID().slice(0, 8)}`, roles: ['member'], ...overrides };
}

/** Listens on a free loopback port; `url` is its origin. */
export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A JSON request; the answer's status, headers and parsed body. */
export async function call(url: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}
