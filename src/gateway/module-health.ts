import { withTimeout } from '../platform/http/readiness.js';

/** One subgraph as the gateway's `/health` reports it. */
export interface ModuleHealth {
  status: 'ok' | 'down';
  /** The subgraph's `/health` URL that was asked. */
  url: string;
  /** Round trip of the health call, in milliseconds. */
  latencyMs: number;
  /** Why the module counts as down. */
  error?: string;
}

/**
 * The routing URL of every subgraph in a supergraph SDL (`@join__graph(name:, url:)`), with `overrides` (the
 * `SUBGRAPH_*_URL` variables) taking precedence: the same URLs the gateway fetches from.
 */
export function subgraphRoutingUrls(supergraphSdl: string, overrides: Record<string, string> = {}): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const match of supergraphSdl.matchAll(/@join__graph\(\s*name:\s*"([^"]+)"\s*,\s*url:\s*"([^"]*)"\s*\)/g)) {
    urls[match[1]!] = overrides[match[1]!] ?? match[2]!;
  }
  return urls;
}

/** `/health` next to a subgraph's GraphQL endpoint: `http://h:4001/graphql` -> `http://h:4001/health`. */
export function healthUrlOf(routingUrl: string): string {
  return new URL('health', routingUrl).toString();
}

/**
 * Asks every subgraph's `/health` at once, each bounded by `timeoutMs`; a module that does not answer 200 in time
 * is reported `down` with the reason (it never makes the gateway itself unhealthy).
 */
export async function checkModules(routingUrls: Record<string, string>, timeoutMs: number): Promise<Record<string, ModuleHealth>> {
  const entries = await Promise.all(
    Object.entries(routingUrls).map(async ([name, routingUrl]) => {
      const url = healthUrlOf(routingUrl);
      const started = performance.now();
      const latency = () => Math.round(performance.now() - started);
      try {
        const response = await withTimeout(fetch(url, { signal: AbortSignal.timeout(timeoutMs) }), timeoutMs);
        await response.body?.cancel();
        const health: ModuleHealth = response.ok
          ? { status: 'ok', url, latencyMs: latency() }
          : { status: 'down', url, latencyMs: latency(), error: `HTTP ${response.status}` };
        return [name, health] as const;
      } catch (error) {
        const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
        const reason = cause?.code ?? cause?.message ?? (error as Error).message;
        return [name, { status: 'down', url, latencyMs: latency(), error: reason } satisfies ModuleHealth] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}
