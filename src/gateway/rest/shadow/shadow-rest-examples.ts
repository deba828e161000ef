import type { RestExamples } from '../rest-examples.js';

/** Example answers of `/api/planning/shadow/*` for the OpenAPI document (a contract test parses each with its schema). */
const PROFILE_ID = '6c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const INSIGHT_ID = '7d2f3e4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a';
const TASK_ID = '3f0c6a52-8d1e-4b7a-9c2f-5e4d3b2a1c0f';
const STARTED = '2026-12-01T08:00:00.000Z';

const insight = {
  id: INSIGHT_ID,
  profile_id: PROFILE_ID,
  day: 1,
  insight_type: 'awareness',
  content: 'Notice when restlessness takes over. This is your shadow trying to protect you from feeling rejection.',
  unlocked: true,
  unlocked_at: STARTED,
  created_at: STARTED,
  acknowledged: false,
  acknowledged_at: null,
  finding: { kind: 'overdue', message: '1 open task is past due.', task_ids: [TASK_ID], confidence: 0.5, value: 1 },
};

const profile = {
  id: PROFILE_ID,
  user_id: 'user-1',
  archetype: 'explorer',
  unlock_day: 1,
  total_days: 30,
  insights_data: {},
  patterns: { archetype_scores: { warrior: 0, sage: 0, lover: 0, creator: 0, caregiver: 0, explorer: 1 } },
  created_at: STARTED,
  updated_at: STARTED,
  progress: '1/30',
  phase: 'awareness',
  unlocked_insights: 1,
  acknowledged_insights: 0,
  completion_percentage: 3.33,
  next_unlock_at: '2026-12-02T08:00:00.000Z',
  can_unlock: false,
  archetype_info: {
    traits: ['independence', 'curiosity', 'adventure', 'freedom', 'spontaneity'],
    shadow: ['restlessness', 'escapism', 'commitment issues', 'irresponsibility', 'running away'],
    growth_path: 'Find meaning in stillness and depth. True freedom includes commitment.',
    keywords: ['explore', 'discover', 'travel', 'try', 'experiment', 'wander', 'seek'],
  },
  version: 1,
};

export const SHADOW_EXAMPLES: Record<string, RestExamples> = {
  profile: { response: profile },
  dailyInsight: {
    response: { locked: false, day: 1, insight, archetype: 'explorer', progress: '1/30', message: null },
    invalid: { query: 'day=first', response: { detail: [{ loc: ['query', 'day'], msg: 'must be an integer', type: 'invalid_type' }] } },
  },
  unlock: {
    response: {
      unlocked: false,
      new_day: null,
      insight: null,
      message: 'The next insight unlocks at 2026-12-02T08:00:00.000Z, 24 hours after the last one.',
      progress: '1/30',
      next_unlock_at: '2026-12-02T08:00:00.000Z',
    },
  },
  progress: {
    response: { unlock_day: 1, total_days: 30, unlocked_insights: 1, archetype: 'explorer', completion_percentage: 3.33, acknowledged_insights: 0, next_unlock_at: '2026-12-02T08:00:00.000Z' },
  },
  insights: { response: { insights: [insight], total: 1, currentDay: 1 } },
  acknowledge: { response: { success: true, message: 'Insight acknowledged' } },
  unlockStatus: { response: { currentDay: 1, totalDays: 30, unlockedInsights: 1, nextUnlockDay: 2, nextUnlockAt: '2026-12-02T08:00:00.000Z' } },
  report: {
    response: {
      range: 'LAST_30_DAYS',
      timeZone: 'UTC',
      from: '2026-11-01T08:00:00.000Z',
      to: STARTED,
      createdCount: 2,
      completedCount: 1,
      completionRate: 0.5,
      trend: 'UNKNOWN',
      weeks: [{ weekStart: '2026-11-30', created: 2, completedOfCreated: 1, completed: 1, completionRate: 0.5 }],
      overdue: { count: 1, taskIds: [TASK_ID] },
      postponed: { count: 0, taskIds: [] },
      reopened: { count: 0, taskIds: [] },
      stalled: { count: 0, taskIds: [] },
      estimates: { tasks: 0, estimatedMinutes: 0, actualMinutes: 0, ratio: null, overruns: { count: 0, taskIds: [] } },
      energyFit: [],
      peakBand: 'MORNING',
      productiveHours: [{ hour: 9, completed: 1, taskIds: ['5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d'] }],
      productiveWeekdays: [{ weekday: 2, completed: 1, taskIds: ['5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d'] }],
      streaks: { current: 1, longest: 1, activeDays: 1, taskIds: ['5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d'] },
      scopeGrowth: [],
      insights: [{ kind: 'OVERDUE', message: '1 open task is past due.', taskIds: [TASK_ID], confidence: 0.5, value: 1 }],
      computedAt: STARTED,
    },
    invalid: { query: 'range=last_year', response: { detail: [{ loc: ['query', 'range'], msg: 'must be one of last_7_days, last_30_days, last_90_days, last_365_days (any case)', type: 'custom' }] } },
  },
};
