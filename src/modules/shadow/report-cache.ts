import type { SubgraphAnswerStore } from '../../platform/cache/planning-data-cache.js';
import type { ProductivityReport } from './productivity-analysis.js';

/**
 * Reports kept under the org's planning data version, in the store the planning writers bump on every committed
 * change (the one the gateway's answer cache reads): a report is reused until a task of the org changes, or for
 * `ttlSeconds` at most (overdue and stalled tasks depend on the hour, not only on the data). A store that cannot be
 * read or written is a miss, never a failure.
 */
export class ReportCache {
  constructor(
    private readonly answers: SubgraphAnswerStore,
    private readonly ttlSeconds: number,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** The stored report and the version it is valid under (undefined: none yet; nothing can be stored then). */
  async lookup(orgId: string, key: string): Promise<{ version: string | undefined; report: ProductivityReport | undefined }> {
    try {
      const { version, answer } = await this.answers.lookup(orgId, cacheKey(key));
      return { version, report: answer === undefined ? undefined : reviveReport(answer) };
    } catch (error) {
      this.onError(error);
      return { version: undefined, report: undefined };
    }
  }

  async store(orgId: string, key: string, version: string, report: ProductivityReport): Promise<void> {
    try {
      await this.answers.store(orgId, cacheKey(key), version, JSON.stringify(report), this.ttlSeconds);
    } catch (error) {
      this.onError(error);
    }
  }
}

/** Apart from the gateway's answer keys (hashes of fetches) in the same store. */
const cacheKey = (key: string) => `shadow-report:${key}`;

function reviveReport(json: string): ProductivityReport {
  const report = JSON.parse(json) as ProductivityReport;
  return { ...report, from: new Date(report.from), to: new Date(report.to), computedAt: new Date(report.computedAt) };
}
