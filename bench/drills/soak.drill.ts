import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { rssMb } from '../roles.js';
import { countBy, drillResult, PAGE_BODY, sleep } from './drill-kit.js';

/** What a soak loads and weighs. */
export interface SoakTarget {
  /** The gateway's `/graphql`. */
  url: string;
  /** The caller's headers (`authorization`). */
  headers: Record<string, string>;
  /** The processes whose resident memory is summed (gateway and subgraph, or the one `npm start` process). */
  pids: number[];
  /** What the pids are, for the figures: e.g. `gateway + subgraph`. */
  weighs: string;
}

export interface SoakSizes {
  seconds: number;
  /** Requests per second; by default half the S2 figure of the last HTTP bench (docs/benchmarks.md). */
  rate?: number;
}

/** The S2 req/s of the last HTTP bench in docs/benchmarks.md. */
function measuredS2Peak(): number | undefined {
  try {
    const match = /^\| S2 \|[^|]*\| (\d+) \|/m.exec(readFileSync(new URL('../../docs/benchmarks.md', import.meta.url), 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Drill e: the page query at a steady rate for `seconds`, in windows of up to 60 s. Passes when no request failed and
 * the last window's p99 and RSS (of `target.pids`, sampled every second; a window's figure is its highest sample)
 * stay near the first's. Timing is its point, so it runs only from the CLI, on a quiet machine.
 *
 * @example
 * const result = await soak({ url, headers: bearer, pids: [gateway.pid, subgraph.pid], weighs: 'gateway + subgraph' }, { seconds: 600 });
 */
export async function soak(target: SoakTarget, { seconds, rate: requestedRate }: SoakSizes) {
  const peak = requestedRate ? requestedRate * 2 : measuredS2Peak();
  if (!peak) {
    return drillResult('e. soak', 'no S2 figure in docs/benchmarks.md: run npm run bench:http first (or set DRILL_SOAK_RATE)', {}, [[false, 'no rate to soak at']]);
  }
  const rate = Math.max(1, Math.round(peak / 2));
  const windowSeconds = Math.min(60, seconds);
  const windows = Math.max(1, Math.round(seconds / windowSeconds));
  const options = {
    url: target.url,
    connections: 10,
    overallRate: rate,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', ...target.headers },
    body: PAGE_BODY,
  };
  await autocannon({ ...options, duration: 5 });
  const samples: { rps: number; p99: number; rssMb: number; errors: number }[] = [];
  const problems: string[] = [];
  const weigh = () => target.pids.reduce((sum, pid) => sum + rssMb(pid), 0);
  for (let w = 0; w < windows; w++) {
    let windowPeak = 0;
    let loading = true;
    const sampling = (async () => {
      while (loading) {
        windowPeak = Math.max(windowPeak, weigh());
        await sleep(1_000);
      }
    })();
    const result = await autocannon({
      ...options,
      duration: windowSeconds,
      requests: [
        {
          onResponse: (status: number, body: string) => {
            if (status !== 200) problems.push(`HTTP ${status}`);
            else if (body.includes('"errors"')) problems.push(`GraphQL ${/"code":"([A-Z_]+)"/.exec(body)?.[1] ?? 'error'}`);
          },
        },
      ],
    });
    loading = false;
    await sampling;
    for (let i = 0; i < result.errors; i++) problems.push('connection error');
    for (let i = 0; i < result.timeouts; i++) problems.push('timeout');
    samples.push({
      rps: Math.round(result.requests.average),
      p99: result.latency.p99,
      rssMb: Math.round(Math.max(windowPeak, weigh())),
      errors: problems.length,
    });
  }
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const p99Stable = last.p99 <= first.p99 * 1.5 + 5;
  // A soak that never reached its rate proves little: every window must carry at least 90 % of it.
  const slowest = samples.reduce((a, b) => (b.rps < a.rps ? b : a));
  const rateHeld = slowest.rps >= rate * 0.9;
  const rssStable = last.rssMb <= first.rssMb * 1.2;
  const peakRssMb = Math.max(...samples.map((x) => x.rssMb));
  const counts = { errors: problems.length, firstP99: first.p99, lastP99: last.p99, firstRssMb: first.rssMb, lastRssMb: last.rssMb, peakRssMb };
  return drillResult(
    `e. soak ${seconds} s at ${rate} req/s (half of ${requestedRate ? 'the given peak' : 'S2'} ${peak} req/s)`,
    `per ${windowSeconds} s: ${samples.map((x, i) => `#${i + 1} ${x.rps} req/s p99 ${x.p99} ms RSS ${x.rssMb} MB`).join('; ')}; RSS of ${target.weighs}, peak ${peakRssMb} MB; errors ${problems.length} (${countBy(problems)}); ` +
      `rate ${rateHeld ? 'held' : 'NOT held'} (every window >= 90 % of ${rate} req/s), p99 ${p99Stable ? 'stable' : 'NOT stable'} (last <= 1.5 x first + 5 ms), RSS ${rssStable ? 'stable' : 'NOT stable'} (last <= 1.2 x first)`,
    counts,
    [
      [problems.length === 0, `${problems.length} requests failed (${countBy(problems)})`],
      [rateHeld, `a window carried only ${slowest.rps} of ${rate} req/s`],
      [p99Stable, `p99 grew from ${first.p99} ms to ${last.p99} ms`],
      [rssStable, `RSS grew from ${first.rssMb} MB to ${last.rssMb} MB`],
    ],
  );
}
