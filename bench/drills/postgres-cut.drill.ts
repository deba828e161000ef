import autocannon from 'autocannon';
import type { DrillEnvironment } from './drill-environment.js';
import { type Answer, classifyAnswer, countBy, drillResult, msUntil, PAGE_BODY, seconds } from './drill-kit.js';

export interface PostgresCutSizes {
  /** autocannon connections sending the page query through the gateway. */
  connections: number;
  /** Length of the load. */
  durationSeconds: number;
  /** When into the load PostgreSQL is cut, and for how long (the load goes on after the restore). */
  cutAfterMs: number;
  cutMs: number;
  /** How long to wait for a 200 after the load. */
  recoveryDeadlineMs?: number;
}

/**
 * Drill c: the page query under load while the subgraph's and gateway's PostgreSQL link is cut for `cutMs`. Passes
 * when every answer is a 200 without GraphQL errors or a 503 with a JSON error body, no request timed out (10 s) or
 * lost its connection, and a fresh request answers 200 afterwards.
 *
 * @example
 * const result = await postgresCut(environment, { connections: 20, durationSeconds: 20, cutAfterMs: 5_000, cutMs: 5_000 });
 */
export async function postgresCut(environment: DrillEnvironment, { connections, durationSeconds, cutAfterMs, cutMs, recoveryDeadlineMs = 30_000 }: PostgresCutSizes) {
  const { proxies } = environment;
  const outcomes: string[] = [];
  let restoredAt = Infinity;
  let firstOkAfterRestore: number | undefined;
  const cut = setTimeout(() => proxies.postgres.cut(), cutAfterMs);
  const restore = setTimeout(() => {
    proxies.postgres.restore();
    restoredAt = Date.now();
  }, cutAfterMs + cutMs);
  let result: autocannon.Result;
  try {
    result = await autocannon({
      url: `http://127.0.0.1:${environment.ports.gateway}/graphql`,
      connections,
      duration: durationSeconds,
      timeout: 10,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...environment.bearer },
      body: PAGE_BODY,
      requests: [
        {
          onResponse: (status: number, body: string) => {
            const outcome = classifyAnswer({ status, body } satisfies Answer);
            outcomes.push(outcome === '200 with GraphQL errors' ? `200 with GraphQL errors (${/"code":"([A-Z_]+)"/.exec(body)?.[1] ?? 'no code'})` : outcome);
            if (outcome === '200' && Date.now() > restoredAt && firstOkAfterRestore === undefined) firstOkAfterRestore = Date.now() - restoredAt;
          },
        },
      ],
    });
  } finally {
    clearTimeout(cut);
    clearTimeout(restore);
    proxies.postgres.restore();
  }
  const recoveryMs = await msUntil(() => environment.pageOk(), recoveryDeadlineMs);

  const unclean = outcomes.filter((outcome) => outcome !== '200' && outcome !== '503');
  const counts = {
    answers: outcomes.length,
    ok: outcomes.filter((outcome) => outcome === '200').length,
    unavailable: outcomes.filter((outcome) => outcome === '503').length,
    unclean: unclean.length,
    timeouts: result.timeouts,
    connectionErrors: result.errors,
    recovered: recoveryMs === undefined ? 0 : 1,
  };
  return drillResult(
    `c. PostgreSQL cut ${seconds(cutMs)} under load (${connections} conn, ${durationSeconds} s)`,
    `answers: ${countBy(outcomes)}; timeouts ${result.timeouts}, connection errors ${result.errors}; ` +
      `first clean 200 ${firstOkAfterRestore === undefined ? 'not seen in the run' : `${firstOkAfterRestore} ms`} after restore; ` +
      `fresh request afterwards ${recoveryMs === undefined ? `NOT 200 within ${seconds(recoveryDeadlineMs)}` : '200'}`,
    counts,
    [
      [unclean.length === 0, `${unclean.length} answers were neither a clean 200 nor a 503 with a JSON error body (${countBy(unclean)})`],
      [result.timeouts === 0, `${result.timeouts} requests timed out (10 s)`],
      [result.errors === 0, `${result.errors} connection errors`],
      [recoveryMs !== undefined, `no 200 within ${seconds(recoveryDeadlineMs)} after the load`],
    ],
  );
}
