import { cachedCheck, DEFAULT_READINESS_TIMEOUT_MS, type ReadinessCheck, withTimeout } from '../platform/http/readiness.js';

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

/** How long the gateway's `/ready` reuses a subgraph's answer: each subgraph gets at most one `/health` per this. */
export const SUBGRAPH_READINESS_CACHE_MS = 2_000;

/**
 * One GET of a subgraph's `/health` (`routingUrl` is its GraphQL endpoint), bounded by `timeoutMs`: `ok` on 200,
 * else `down` with the reason (`HTTP 503`, `ECONNREFUSED`, a timeout).
 */
export async function probeModule(routingUrl: string, timeoutMs: number): Promise<ModuleHealth> {
  const url = healthUrlOf(routingUrl);
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const response = await withTimeout(fetch(url, { signal: AbortSignal.timeout(timeoutMs) }), timeoutMs);
    await response.body?.cancel();
    return response.ok ? { status: 'ok', url, latencyMs: latency() } : { status: 'down', url, latencyMs: latency(), error: `HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    return { status: 'down', url, latencyMs: latency(), error: reason };
  }
}

/**
 * Asks every subgraph's `/health` at once, each bounded by `timeoutMs`; a module that does not answer 200 in time
 * is reported `down` with the reason (it never makes the gateway itself unhealthy).
 */
export async function checkModules(routingUrls: Record<string, string>, timeoutMs: number): Promise<Record<string, ModuleHealth>> {
  const entries = await Promise.all(Object.entries(routingUrls).map(async ([name, routingUrl]) => [name, await probeModule(routingUrl, timeoutMs)] as const));
  return Object.fromEntries(entries);
}

/**
 * A readiness check per subgraph, `subgraph:<name>`: its `/health` answers 200 within `timeoutMs`, else it fails
 * with the reason. Each result is reused for `cacheMs` ({@link cachedCheck}), so readiness probes do not load the
 * subgraphs.
 *
 * @example
 * readinessRoute([...dependencyChecks, ...subgraphReadiness({ planning: 'http://127.0.0.1:4001/graphql' })]);
 * // 503 {"failing": {"subgraph:planning": "ECONNREFUSED"}, ...} while the subgraph is down
 */
export function subgraphReadiness(
  routingUrls: Record<string, string>,
  options: { timeoutMs?: number; cacheMs?: number; now?: () => number } = {},
): ReadinessCheck[] {
  const { timeoutMs = DEFAULT_READINESS_TIMEOUT_MS, cacheMs = SUBGRAPH_READINESS_CACHE_MS, now } = options;
  return Object.entries(routingUrls).map(([name, routingUrl]) =>
    cachedCheck(
      {
        name: `subgraph:${name}`,
        check: async () => {
          const health = await probeModule(routingUrl, timeoutMs);
          if (health.status !== 'ok') throw new Error(health.error ?? 'down');
        },
      },
      cacheMs,
      now,
    ),
  );
}
