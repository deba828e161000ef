import { type Finding, type ProductivityReport, REPEATED_POSTPONEMENTS, round, STALLED_AFTER_DAYS } from './productivity-report.types.js';
import type { TaskChangeCount } from './task-history.repository.js';

/** The evidence behind a finding: `n` observations, `k` of them give 0.5. */
export const confidenceOf = (n: number, k: number) => (n <= 0 ? 0 : round(n / (n + k)));

const WEEKDAYS = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const percent = (rate: number) => `${Math.round(rate * 100)}%`;

/** The report's findings, most pressing first (what needs attention, then how the user works best). */
export function findingsOf(report: Omit<ProductivityReport, 'insights'>, openCreated: string[], postponedTasks: TaskChangeCount[]): Finding[] {
  const findings: Finding[] = [];
  const add = (finding: Finding) => findings.push({ ...finding, taskIds: finding.taskIds.slice(0, 10) });
  const { overdue, stalled, reopened, estimates, streaks } = report;

  if (overdue.count > 0) {
    add({ kind: 'OVERDUE', message: `${plural(overdue.count, 'open task')} ${overdue.count === 1 ? 'is' : 'are'} past due.`, taskIds: overdue.taskIds, confidence: confidenceOf(overdue.count, 1), value: overdue.count });
  }
  if (postponedTasks.length > 0) {
    const moves = postponedTasks.reduce((sum, c) => sum + c.postponed, 0);
    add({
      kind: 'POSTPONED',
      message: `${plural(postponedTasks.length, 'task')} had ${postponedTasks.length === 1 ? 'its' : 'their'} due date moved later ${REPEATED_POSTPONEMENTS} times or more (${plural(moves, 'move')} in all).`,
      taskIds: postponedTasks.map((c) => c.taskId),
      confidence: confidenceOf(moves, 2),
      value: postponedTasks.length,
    });
  }
  if (reopened.count > 0) {
    add({ kind: 'REOPENED', message: `${plural(reopened.count, 'task')} ${reopened.count === 1 ? 'was' : 'were'} reopened after being completed.`, taskIds: reopened.taskIds, confidence: confidenceOf(reopened.count, 2), value: reopened.count });
  }
  if (stalled.count > 0) {
    add({ kind: 'STALLED', message: `${plural(stalled.count, 'task')} in progress ${stalled.count === 1 ? 'has' : 'have'} not changed for ${STALLED_AFTER_DAYS} days or more.`, taskIds: stalled.taskIds, confidence: confidenceOf(stalled.count, 1), value: stalled.count });
  }
  const growing = report.scopeGrowth.filter((p) => p.added >= 3 && p.net > 0 && p.added >= 1.5 * Math.max(p.completed, 1));
  if (growing.length > 0) {
    const top = growing[0]!;
    add({
      kind: 'SCOPE_GROWTH',
      message: `${plural(growing.length, 'project')} grew faster than ${growing.length === 1 ? 'it was' : 'they were'} completed; the most: ${plural(top.added, 'task')} added, ${top.completed} completed.`,
      taskIds: top.taskIds,
      confidence: confidenceOf(top.added, 5),
      value: top.net,
    });
  }
  if (estimates.tasks > 0 && estimates.ratio !== null) {
    const verdict = estimates.ratio > 1.2 ? 'took longer than estimated' : estimates.ratio < 0.8 ? 'took less time than estimated' : 'took about as long as estimated';
    add({
      kind: 'ESTIMATE_ACCURACY',
      message: `Estimated tasks ${verdict}: ${Math.round(estimates.actualMinutes)} minutes for ${Math.round(estimates.estimatedMinutes)} estimated (x${estimates.ratio}); ${plural(estimates.overruns.count, 'task')} over by more than 20%.`,
      taskIds: estimates.overruns.taskIds,
      confidence: confidenceOf(estimates.tasks, 5),
      value: estimates.ratio,
    });
  }
  const high = report.energyFit.find((e) => e.level === 'HIGH');
  if (high && report.peakBand) {
    add({
      kind: 'ENERGY_FIT',
      message: `${percent(high.share ?? 0)} of your high-energy tasks were completed in your most productive part of the day (${report.peakBand}).`,
      taskIds: high.taskIds,
      confidence: confidenceOf(high.completed, 5),
      value: high.share,
    });
  }
  if (report.completionRate !== null) {
    add({
      kind: 'COMPLETION_RATE',
      message: `You completed ${percent(report.completionRate)} of the ${plural(report.createdCount, 'task')} created in this period.`,
      taskIds: openCreated,
      confidence: confidenceOf(report.createdCount, 10),
      value: report.completionRate,
    });
  }
  if (report.trend === 'UP' || report.trend === 'DOWN') {
    const rated = report.weeks.filter((w) => w.completionRate !== null);
    add({
      kind: 'COMPLETION_TREND',
      message: `Your weekly completion rate is going ${report.trend === 'UP' ? 'up' : 'down'} (${percent(rated[0]!.completionRate!)} to ${percent(rated.at(-1)!.completionRate!)} over ${rated.length} weeks).`,
      taskIds: openCreated,
      confidence: confidenceOf(rated.length, 3),
      value: rated.at(-1)!.completionRate! - rated[0]!.completionRate!,
    });
  }
  const [topHour] = report.productiveHours;
  if (topHour) {
    add({
      kind: 'PRODUCTIVE_HOURS',
      message: `You complete the most tasks between ${topHour.hour}:00 and ${topHour.hour + 1}:00 (${plural(topHour.completed, 'task')}).`,
      taskIds: topHour.taskIds,
      confidence: confidenceOf(report.completedCount, 10),
      value: topHour.hour,
    });
  }
  const [topDay] = report.productiveWeekdays;
  if (topDay) {
    add({
      kind: 'PRODUCTIVE_WEEKDAYS',
      message: `${WEEKDAYS[topDay.weekday]} is your most productive day (${plural(topDay.completed, 'task')} completed).`,
      taskIds: topDay.taskIds,
      confidence: confidenceOf(report.completedCount, 10),
      value: topDay.weekday,
    });
  }
  if (streaks.longest >= 2) {
    add({
      kind: 'STREAK',
      message: `Your current streak is ${plural(streaks.current, 'day')} with a completed task; your longest in this period, ${plural(streaks.longest, 'day')}.`,
      taskIds: streaks.taskIds,
      confidence: confidenceOf(streaks.activeDays, 5),
      value: streaks.current,
    });
  }
  return findings;
}
