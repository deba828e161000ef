import { findingsOf } from './report-findings.js';
import type { CompletionGroup, CreationGroup, CurrentGroup } from './task-history.repository.js';
import { REPEATED_POSTPONEMENTS, round, type TaskSample, type Trend, type DayBand, type ProductivityReport, type ReportRows } from './productivity-report.types.js';
export { FINDING_KINDS, REPEATED_POSTPONEMENTS, STALLED_AFTER_DAYS, round, type FindingKind, type Finding, type TaskSample, type Trend, type EnergyFitRow, type ProjectScopeRow, type DayBand, type ProductivityReport, type ReportRows } from './productivity-report.types.js';

/** Builds the report of `window` (`from`..`to`, `timeZone`) from its rows; `now` is when it is computed. */
export function buildReport(rows: ReportRows, window: { range: string; from: Date; to: Date; timeZone: string }, now: Date): ProductivityReport {
  const completions = (dim: CompletionGroup['dim']) => rows.completions.filter((g) => g.dim === dim);
  const creations = (dim: CreationGroup['dim']) => rows.creations.filter((g) => g.dim === dim);
  const current = (dim: CurrentGroup['dim']): TaskSample => {
    const group = rows.current.find((g) => g.dim === dim);
    return { count: group?.count ?? 0, taskIds: group?.taskIds ?? [] };
  };

  const createdWeeks = creations('week');
  const createdCount = createdWeeks.reduce((sum, g) => sum + g.count, 0);
  const completedOfCreated = createdWeeks.reduce((sum, g) => sum + g.completed, 0);
  const completedCount = completions('hour').reduce((sum, g) => sum + g.count, 0);
  const completionRate = createdCount > 0 ? round(completedOfCreated / createdCount, 4) : null;

  const completedByWeek = new Map(completions('week').map((g) => [g.key!, g.count]));
  const weekKeys = [...new Set([...createdWeeks.map((g) => g.key!), ...completedByWeek.keys()])].sort();
  const weeks = weekKeys.map((weekStart) => {
    const created = createdWeeks.find((g) => g.key === weekStart);
    return {
      weekStart,
      created: created?.count ?? 0,
      completedOfCreated: created?.completed ?? 0,
      completed: completedByWeek.get(weekStart) ?? 0,
      completionRate: created && created.count > 0 ? round(created.completed / created.count, 4) : null,
    };
  });
  const trend = trendOf(weeks.filter((w) => w.completionRate !== null).map((w) => w.completionRate!));

  const postponedTasks = rows.changes.filter((c) => c.postponed >= REPEATED_POSTPONEMENTS);
  const reopenedTasks = rows.changes.filter((c) => c.reopened > 0);
  const postponed = { count: postponedTasks.length, taskIds: postponedTasks.slice(0, 10).map((c) => c.taskId) };
  const reopened = { count: reopenedTasks.length, taskIds: reopenedTasks.slice(0, 10).map((c) => c.taskId) };

  const estimate = completions('estimate')[0];
  const estimates = {
    tasks: estimate?.count ?? 0,
    estimatedMinutes: estimate?.a ?? 0,
    actualMinutes: estimate?.b ?? 0,
    ratio: estimate && estimate.a ? round(estimate.b! / estimate.a) : null,
    overruns: { count: estimate?.c ?? 0, taskIds: estimate?.taskIds ?? [] },
  };

  const byBand = new Map<DayBand, number>();
  for (const g of completions('hour')) {
    const band = bandOfHour(Number(g.key));
    byBand.set(band, (byBand.get(band) ?? 0) + g.count);
  }
  const peakBand = [...byBand.entries()].sort((a, b) => b[1] - a[1] || BANDS.indexOf(a[0]) - BANDS.indexOf(b[0]))[0]?.[0] ?? null;
  const energyFit = (['HIGH', 'MEDIUM', 'LOW'] as const).flatMap((level) => {
    const groups = completions('energy').filter((g) => g.key === level);
    const completed = groups.reduce((sum, g) => sum + g.count, 0);
    if (completed === 0) return [];
    const inPeakBand = groups.filter((g) => g.sub === peakBand).reduce((sum, g) => sum + g.count, 0);
    const outside = groups.filter((g) => g.sub !== peakBand).flatMap((g) => g.taskIds).slice(0, 10);
    return [{ level, completed, inPeakBand, share: round(inPeakBand / completed, 4), taskIds: outside }];
  });

  const productiveHours = completions('hour')
    .map((g) => ({ hour: Number(g.key), completed: g.count, taskIds: g.taskIds }))
    .sort((a, b) => b.completed - a.completed || a.hour - b.hour);
  const productiveWeekdays = completions('weekday')
    .map((g) => ({ weekday: Number(g.key), completed: g.count, taskIds: g.taskIds }))
    .sort((a, b) => b.completed - a.completed || a.weekday - b.weekday);
  const streaks = streaksOf(completions('day'), window.to, window.timeZone);

  const completedByProject = new Map(completions('project').map((g) => [g.key, g.count]));
  const scopeGrowth = creations('project')
    .map((g) => {
      const completed = completedByProject.get(g.key) ?? 0;
      return { projectId: g.key, added: g.count, completed, net: g.count - completed, taskIds: g.taskIds };
    })
    .filter((p) => p.projectId !== null)
    .sort((a, b) => b.net - a.net || b.added - a.added);

  const report: Omit<ProductivityReport, 'insights'> = {
    range: window.range,
    from: window.from,
    to: window.to,
    timeZone: window.timeZone,
    createdCount,
    completedCount,
    completionRate,
    trend,
    weeks,
    overdue: current('overdue'),
    postponed,
    reopened,
    stalled: current('stalled'),
    estimates,
    energyFit,
    peakBand,
    productiveHours,
    productiveWeekdays,
    streaks,
    scopeGrowth,
    computedAt: now,
  };
  return { ...report, insights: findingsOf(report, creations('open')[0]?.taskIds ?? [], postponedTasks) };
}

const BANDS: DayBand[] = ['morning', 'afternoon', 'evening', 'night'];
/** Parts of the day (local time): morning 5-11, afternoon 12-16, evening 17-21, night 22-4 (as the SQL groups them). */
export function bandOfHour(hour: number): DayBand {
  if (hour >= 5 && hour <= 11) return 'morning';
  if (hour >= 12 && hour <= 16) return 'afternoon';
  if (hour >= 17 && hour <= 21) return 'evening';
  return 'night';
}

/** UP/DOWN when the least-squares slope of the weekly completion rates is beyond 2 points a week; 3 weeks at least. */
export function trendOf(rates: readonly number[]): Trend {
  if (rates.length < 3) return 'UNKNOWN';
  const n = rates.length;
  const meanX = (n - 1) / 2;
  const meanY = rates.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  rates.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  const slope = num / den;
  return slope > 0.02 ? 'UP' : slope < -0.02 ? 'DOWN' : 'FLAT';
}

/**
 * Days in a row with at least one completion: the longest run in the window, and the current one (ending today or
 * yesterday in `timeZone`, so a streak is not broken before the day is over).
 */
export function streaksOf(days: readonly CompletionGroup[], to: Date, timeZone: string) {
  const dayNumber = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
  const active = [...days].map((g) => ({ day: dayNumber(g.key!), taskIds: g.taskIds })).sort((a, b) => a.day - b.day);
  let longest = 0;
  let run = 0;
  for (let i = 0; i < active.length; i++) {
    run = i > 0 && active[i]!.day === active[i - 1]!.day + 1 ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  const today = dayNumber(localDate(to, timeZone));
  let current = 0;
  const last = active.at(-1);
  if (last && today - last.day <= 1) {
    current = 1;
    for (let i = active.length - 1; i > 0 && active[i]!.day === active[i - 1]!.day + 1; i--) current++;
  }
  const cited = current > 0 ? active.slice(-current).flatMap((a) => a.taskIds).slice(-10) : [];
  return { current, longest, activeDays: active.length, taskIds: cited };
}

/** `2026-12-03`: the date of `at` in `timeZone`. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
