import { type Caller, assertCanRead } from '../../common/caller.js';
import { parseInput } from '../../common/validators.js';
import { buildReport, type ProductivityReport, STALLED_AFTER_DAYS } from '../productivity-analysis.js';
import { REPORT_RANGES, reportRange, timeZone as timeZoneSchema } from '../shadow.inputs.js';
import { historyOf, type ShadowDeps } from '../shadow-deps.js';
import type { ReportWindow } from '../task-history.repository.js';

/** Tasks postponed or reopened in the range that the report looks at (the most often changed first). */
const CHANGED_TASKS_READ = 200;

/**
 * The caller's productivity report over the last `range` days: read from the cache while the org's tasks are
 * unchanged, else computed in {@link REPORT_STATEMENTS} statements and cached.
 *
 * @example
 * await getProductivityReport(deps, caller, { range: 'LAST_7_DAYS', timeZone: 'Europe/Prague' });
 */
export async function getProductivityReport(deps: ShadowDeps, caller: Caller, args: { range?: unknown; timeZone?: unknown }): Promise<ProductivityReport> {
  assertCanRead(caller);
  const range = parseInput(reportRange, args.range ?? undefined, 'range');
  const timeZone = parseInput(timeZoneSchema, args.timeZone ?? undefined, 'timeZone');
  return reportOf(deps, caller, range, timeZone);
}

/** The report without the argument checks (the journey pairs each day with a finding of the last 30 days). */
export async function reportOf(deps: ShadowDeps, caller: Caller, range: keyof typeof REPORT_RANGES, timeZone: string): Promise<ProductivityReport> {
  const key = `${caller.userId}:${range}:${timeZone}`;
  const cached = await deps.reportCache?.lookup(caller.orgId, key);
  if (cached?.report) return cached.report;

  const now = deps.now();
  const window: ReportWindow = { orgId: caller.orgId, userId: caller.userId, from: new Date(now.getTime() - REPORT_RANGES[range] * 86_400_000), to: now, timeZone };
  const history = historyOf(deps.em);
  const completions = await history.completionGroups(window);
  const creations = await history.creationGroups(window);
  const current = await history.currentGroups(caller.orgId, caller.userId, now, STALLED_AFTER_DAYS);
  const changes = await history.changeCounts(window, CHANGED_TASKS_READ);
  const report = buildReport({ completions, creations, current, changes }, { ...window, range }, now);

  if (cached?.version) await deps.reportCache!.store(caller.orgId, key, cached.version, report);
  return report;
}
