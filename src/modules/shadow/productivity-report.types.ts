import type { CompletionGroup, CreationGroup, CurrentGroup, TaskChangeCount } from './task-history.repository.js';

/**
 * The productivity report, computed from the grouped rows of the task history (pure functions: the SQL is in
 * task-history.repository.ts). Every finding cites the tasks it is about and a confidence in 0..1 that grows with
 * the evidence behind it (`n / (n + k)`: k observations give 0.5).
 */
export const FINDING_KINDS = [
  'OVERDUE',
  'POSTPONED',
  'REOPENED',
  'STALLED',
  'SCOPE_GROWTH',
  'ESTIMATE_ACCURACY',
  'ENERGY_FIT',
  'COMPLETION_RATE',
  'COMPLETION_TREND',
  'PRODUCTIVE_HOURS',
  'PRODUCTIVE_WEEKDAYS',
  'STREAK',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface Finding {
  kind: FindingKind;
  message: string;
  taskIds: string[];
  confidence: number;
  /** The finding's headline number (a rate, a count, a ratio, an hour). */
  value: number | null;
}

export interface TaskSample {
  count: number;
  taskIds: string[];
}

export type Trend = 'UP' | 'DOWN' | 'FLAT' | 'UNKNOWN';

export interface EnergyFitRow {
  level: 'LOW' | 'MEDIUM' | 'HIGH';
  completed: number;
  inPeakBand: number;
  share: number | null;
  taskIds: string[];
}

export interface ProjectScopeRow {
  projectId: string | null;
  added: number;
  completed: number;
  net: number;
  taskIds: string[];
}
export type DayBand = 'morning' | 'afternoon' | 'evening' | 'night';

export interface ProductivityReport {
  range: string;
  from: Date;
  to: Date;
  timeZone: string;
  createdCount: number;
  completedCount: number;
  completionRate: number | null;
  trend: Trend;
  weeks: Array<{ weekStart: string; created: number; completedOfCreated: number; completed: number; completionRate: number | null }>;
  overdue: TaskSample;
  postponed: TaskSample;
  reopened: TaskSample;
  stalled: TaskSample;
  estimates: { tasks: number; estimatedMinutes: number; actualMinutes: number; ratio: number | null; overruns: TaskSample };
  energyFit: EnergyFitRow[];
  peakBand: DayBand | null;
  productiveHours: Array<{ hour: number; completed: number; taskIds: string[] }>;
  productiveWeekdays: Array<{ weekday: number; completed: number; taskIds: string[] }>;
  streaks: { current: number; longest: number; activeDays: number; taskIds: string[] };
  scopeGrowth: ProjectScopeRow[];
  insights: Finding[];
  computedAt: Date;
}

export interface ReportRows {
  completions: CompletionGroup[];
  creations: CreationGroup[];
  current: CurrentGroup[];
  changes: TaskChangeCount[];
}

/** A task postponed this often in the range counts as repeatedly postponed. */
export const REPEATED_POSTPONEMENTS = 2;
/** In progress without any change this long counts as stalled. */
export const STALLED_AFTER_DAYS = 7;

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
