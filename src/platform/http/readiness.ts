import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './graphql-http.js';

/**
 * One dependency a process needs before it can serve: `check` resolves when the dependency answers and throws (or
 * hangs, which the timeout turns into a failure) when it does not.
 *
 * @example
 * const postgres: ReadinessCheck = { name: 'postgres', check: async () => void (await orm.em.fork().execute('select 1')) };
 */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

/** Readiness checks answer within this by default; a slower dependency counts as down. */
export const DEFAULT_READINESS_TIMEOUT_MS = 1_000;

/** The outcome of every check: `failing` names each dependency that did not answer, with the reason. */
export interface ReadinessReport {
  status: 'ready' | 'unavailable';
  checks: Record<string, 'ok' | 'down'>;
  failing?: Record<string, string>;
}

/**
 * Runs every check at once, each bounded by `timeoutMs`.
 *
 * @example
 * const report = await runReadiness([postgres, redis], 1000);
 * if (report.status !== 'ready') console.log(report.failing); // { redis: 'timed out after 1000 ms' }
 */
export async function runReadiness(checks: readonly ReadinessCheck[], timeoutMs = DEFAULT_READINESS_TIMEOUT_MS): Promise<ReadinessReport> {
  const outcomes = await Promise.all(
    checks.map(async ({ name, check }) => {
      try {
        await withTimeout(check(), timeoutMs);
        return [name, undefined] as const;
      } catch (error) {
        return [name, error instanceof Error ? error.message || error.name : String(error)] as const;
      }
    }),
  );
  const failing = Object.fromEntries(outcomes.filter(([, problem]) => problem !== undefined)) as Record<string, string>;
  const checksByName = Object.fromEntries(outcomes.map(([name, problem]) => [name, problem === undefined ? 'ok' : 'down'] as const));
  return Object.keys(failing).length ? { status: 'unavailable', checks: checksByName, failing } : { status: 'ready', checks: checksByName };
}

/**
 * `check` run at most once per `ttlMs`: a call within `ttlMs` of the last run's start shares that run's outcome,
 * success or failure (also while it is still running). For checks that cost the checked service something, so
 * frequent readiness probes from several orchestrators do not add up to load on it.
 *
 * @example
 * const planning = cachedCheck({ name: 'subgraph:planning', check: () => pingPlanning() }, 2_000);
 */
export function cachedCheck(check: ReadinessCheck, ttlMs: number, now: () => number = Date.now): ReadinessCheck {
  let last: { startedAt: number; outcome: Promise<void> } | undefined;
  return {
    name: check.name,
    check: () => {
      const at = now();
      if (!last || at - last.startedAt >= ttlMs) {
        const outcome = Promise.resolve().then(check.check);
        // Stored for later callers; each of them sees the failure, none leaves it unhandled.
        outcome.catch(() => {});
        last = { startedAt: at, outcome };
      }
      return last.outcome;
    },
  };
}

/** A `/ready` route: 200 with every check ok, else 503 naming each failing dependency. */
export function readinessRoute(checks: readonly ReadinessCheck[], timeoutMs = DEFAULT_READINESS_TIMEOUT_MS) {
  return async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const report = await runReadiness(checks, timeoutMs);
    res.setHeader('cache-control', 'no-store');
    sendJson(res, report.status === 'ready' ? 200 : 503, report);
  };
}

/** Resolves or rejects with `promise`, or rejects after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
