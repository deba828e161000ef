import type { DrillEnvironment } from './drill-environment.js';
import { classifyAnswer, countBy, drillResult, errorCode, msUntil, PAGE_BODY, post, seconds, sleep } from './drill-kit.js';

export interface RedisCutSizes {
  /** How long the gateway's Redis link stays cut (one page query every 100 ms meanwhile). */
  cutMs: number;
  /** How long to wait for the first 200 after the restore. */
  recoveryDeadlineMs?: number;
}

/**
 * Drill b: cuts the gateway's Redis link (revocations and rate limits live there) and sends the page query every
 * 100 ms. Passes when every answer during the cut is a 503 with a JSON error body (fail closed, no hang: a request
 * times out after 5 s), and the same gateway process answers 200 again after the restore, ten times in a row.
 *
 * @example
 * const result = await redisCut(environment, { cutMs: 5_000 });
 */
export async function redisCut(environment: DrillEnvironment, { cutMs, recoveryDeadlineMs = 60_000 }: RedisCutSizes) {
  const { proxies } = environment;
  const page = () => post(environment.ports.gateway, '/graphql', PAGE_BODY, environment.bearer, environment.agent, 5_000);
  const before = await environment.pageOk().catch(() => false);
  const during: string[] = [];
  const slowest: number[] = [];
  proxies.redis.cut();
  try {
    const cutAt = Date.now();
    while (Date.now() - cutAt < cutMs) {
      const started = Date.now();
      during.push(await page().then(classifyAnswer, errorCode));
      slowest.push(Date.now() - started);
      await sleep(100);
    }
  } finally {
    proxies.redis.restore();
  }
  const recoveryMs = await msUntil(() => environment.pageOk(), recoveryDeadlineMs);
  let after = 0;
  for (let i = 0; i < 10; i++) if (await environment.pageOk().catch(() => false)) after++;

  const notUnavailable = during.filter((outcome) => outcome !== '503');
  const counts = { before200: before ? 1 : 0, duringCut: during.length, notUnavailable: notUnavailable.length, recovered: recoveryMs === undefined ? 0 : 1, after200: after };
  return drillResult(
    `b. Redis cut ${seconds(cutMs)}`,
    `while cut: ${countBy(during)} (slowest answer ${Math.max(...slowest)} ms); ` +
      `first 200 ${recoveryMs === undefined ? `NOT within ${seconds(recoveryDeadlineMs)}` : `${recoveryMs} ms`} after restore, no restart; then ${after}/10 answered 200`,
    counts,
    [
      [before, 'the page query did not answer 200 before the cut'],
      [notUnavailable.length === 0, `${notUnavailable.length} answers during the cut were not a 503 with a JSON error body (${countBy(notUnavailable)})`],
      [recoveryMs !== undefined, `no 200 within ${seconds(recoveryDeadlineMs)} of the restore`],
      [after === 10, `only ${after}/10 page queries answered 200 after the recovery`],
    ],
  );
}
