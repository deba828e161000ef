import type { AnyRestRoute } from '../rest-route.js';
import {
  acknowledgeResponse,
  dailyInsightQuery,
  dailyInsightResponse,
  insightIdPath,
  insightListResponse,
  productivityReportResponse,
  progressResponse,
  reportQuery,
  shadowProfileResponse,
  unlockResponse,
  unlockStatusResponse,
} from './shadow-rest-schemas.js';
import { SHADOW_EXAMPLES } from './shadow-rest-examples.js';

const lower = (value: string | null | undefined) => (value ? value.toLowerCase() : null);

/** A GraphQL ShadowInsight as the original's ShadowInsightResponse (plus acknowledgement and finding). */
export function toInsightJson(insight: any) {
  return {
    id: insight.id,
    profile_id: insight.profileId,
    day: insight.day,
    insight_type: lower(insight.phase)!,
    content: insight.content,
    unlocked: true,
    unlocked_at: insight.unlockedAt,
    created_at: insight.createdAt,
    acknowledged: insight.acknowledged,
    acknowledged_at: insight.acknowledgedAt ?? null,
    finding: insight.finding
      ? { kind: lower(insight.finding.kind)!, message: insight.finding.message, task_ids: insight.finding.taskIds, confidence: insight.finding.confidence, value: insight.finding.value ?? null }
      : null,
  };
}

/** A GraphQL ShadowProfile as the original's ShadowProfileResponse (plus the journey's state). */
export function toProfileJson(profile: any) {
  return {
    id: profile.id,
    user_id: profile.user.id,
    archetype: lower(profile.archetype)!,
    unlock_day: profile.unlockDay,
    total_days: profile.totalDays,
    insights_data: {},
    patterns: { archetype_scores: profile.archetypeScores },
    created_at: profile.createdAt,
    updated_at: profile.updatedAt,
    progress: profile.progress,
    phase: lower(profile.phase)!,
    unlocked_insights: profile.unlockedInsights,
    acknowledged_insights: profile.acknowledgedInsights,
    completion_percentage: profile.completionPercentage,
    next_unlock_at: profile.nextUnlockAt ?? null,
    can_unlock: profile.canUnlock,
    archetype_info: { traits: profile.archetypeInfo.traits, shadow: profile.archetypeInfo.shadow, growth_path: profile.archetypeInfo.growthPath, keywords: profile.archetypeInfo.keywords },
    version: profile.version,
  };
}

/** GET /shadow/insight: the day asked for (default the last unlocked), locked or not, as the original answered it. */
function dailyInsightOf(profile: any, requested: number | undefined) {
  const day = requested ?? profile.unlockDay;
  const base = { day, archetype: lower(profile.archetype), progress: profile.progress };
  if (day < 1 || day > profile.totalDays) return { ...base, locked: true, insight: null, archetype: null, message: 'Invalid day number' };
  if (day > profile.unlockDay) {
    return { ...base, locked: true, insight: null, message: `This insight unlocks on day ${day}. You are currently on day ${profile.unlockDay}.` };
  }
  const insight = profile.insights.find((i: any) => i.day === day);
  return { ...base, locked: false, insight: insight ? toInsightJson(insight) : null, message: null };
}

/** The routes of `/api/planning/shadow`: the original module's, then the report. */
export const SHADOW_REST_ROUTES: AnyRestRoute[] = [
  {
    method: 'POST',
    path: '/shadow/profile',
    operationId: 'createShadowProfile',
    summary: 'Start the caller\'s 30-day journey, or read the one they have',
    description: 'The archetype comes from the caller\'s last 100 tasks; day 1 is unlocked at once. Starting needs the member role.',
    entity: 'Shadow profile',
    tag: 'shadow',
    operation: 'RestCreateShadowProfile',
    status: 200,
    response: shadowProfileResponse,
    examples: SHADOW_EXAMPLES.profile,
    errors: [403],
    variables: () => ({}),
    result: (data) => ({ body: toProfileJson(data.createShadowProfile) }),
  },
  {
    method: 'GET',
    path: '/shadow/profile',
    operationId: 'getShadowProfile',
    summary: 'The caller\'s journey (started when there is none, as the original did)',
    entity: 'Shadow profile',
    tag: 'shadow',
    operation: 'RestCreateShadowProfile',
    status: 200,
    response: shadowProfileResponse,
    examples: SHADOW_EXAMPLES.profile,
    errors: [403],
    variables: () => ({}),
    result: (data) => ({ body: toProfileJson(data.createShadowProfile) }),
  },
  {
    method: 'GET',
    path: '/shadow/insight',
    operationId: 'getDailyInsight',
    summary: 'One day\'s insight (the last unlocked by default); a later day answers locked',
    entity: 'Shadow profile',
    tag: 'shadow',
    operation: 'RestGetDailyInsight',
    query: dailyInsightQuery,
    status: 200,
    response: dailyInsightResponse,
    examples: SHADOW_EXAMPLES.dailyInsight,
    errors: [403],
    variables: () => ({}),
    result: (data, input) => ({ body: dailyInsightOf(data.createShadowProfile, input.query.day) }),
  },
  {
    method: 'POST',
    path: '/shadow/unlock',
    operationId: 'unlockShadowInsight',
    summary: 'Unlock the next day (24 hours after the last unlock at the earliest)',
    description: 'Too early, finished or not started: 200 with `unlocked: false` and the reason, as the original answered.',
    entity: 'Shadow profile',
    tag: 'shadow',
    operation: 'RestUnlockShadowInsight',
    status: 200,
    response: unlockResponse,
    examples: SHADOW_EXAMPLES.unlock,
    errors: [403],
    variables: () => ({}),
    result: (data) => {
      const result = data.unlockShadowInsight;
      return {
        body: {
          unlocked: result.unlocked,
          new_day: result.newDay ?? null,
          insight: result.insight ? toInsightJson(result.insight) : null,
          message: result.message,
          progress: result.progress ?? null,
          next_unlock_at: result.nextUnlockAt ?? null,
        },
      };
    },
  },
  {
    method: 'GET',
    path: '/shadow/progress',
    operationId: 'getShadowProgress',
    summary: 'How far the caller\'s journey is',
    entity: 'Shadow profile',
    tag: 'shadow',
    operation: 'RestGetShadowProgress',
    status: 200,
    response: progressResponse,
    examples: SHADOW_EXAMPLES.progress,
    errors: [403, 404],
    variables: () => ({}),
    result: ({ shadowProfile: p }) =>
      p && {
        body: {
          unlock_day: p.unlockDay,
          total_days: p.totalDays,
          unlocked_insights: p.unlockedInsights,
          archetype: lower(p.archetype),
          completion_percentage: p.completionPercentage,
          acknowledged_insights: p.acknowledgedInsights,
          next_unlock_at: p.nextUnlockAt ?? null,
        },
      },
  },
  {
    method: 'GET',
    path: '/shadow/insights',
    operationId: 'listShadowInsights',
    summary: 'The caller\'s unlocked insights, by day',
    entity: 'Shadow profile',
    tag: 'shadow',
    operation: 'RestListShadowInsights',
    status: 200,
    response: insightListResponse,
    examples: SHADOW_EXAMPLES.insights,
    errors: [403],
    variables: () => ({}),
    result: (data) => ({ body: { insights: data.shadowInsights.map(toInsightJson), total: data.shadowInsights.length, currentDay: data.shadowProfile?.unlockDay ?? 0 } }),
  },
  {
    method: 'POST',
    path: '/shadow/insights/{id}/acknowledge',
    operationId: 'acknowledgeShadowInsight',
    summary: 'Mark an unlocked insight as taken in',
    entity: 'Insight',
    tag: 'shadow',
    operation: 'RestAcknowledgeShadowInsight',
    params: insightIdPath,
    status: 200,
    response: acknowledgeResponse,
    examples: SHADOW_EXAMPLES.acknowledge,
    errors: [403, 404],
    variables: ({ params }) => ({ id: params.id }),
    result: () => ({ body: { success: true, message: 'Insight acknowledged' } }),
  },
  {
    method: 'GET',
    path: '/shadow/unlock-status',
    operationId: 'getShadowUnlockStatus',
    summary: 'The current day and when the next one unlocks',
    entity: 'Shadow profile',
    tag: 'shadow',
    operation: 'RestListShadowInsights',
    status: 200,
    response: unlockStatusResponse,
    examples: SHADOW_EXAMPLES.unlockStatus,
    errors: [403],
    variables: () => ({}),
    result: ({ shadowProfile: p }) => ({
      body: p
        ? { currentDay: p.unlockDay, totalDays: p.totalDays, unlockedInsights: p.unlockedInsights, nextUnlockDay: Math.min(p.totalDays, p.unlockDay + 1), nextUnlockAt: p.nextUnlockAt ?? null }
        : { currentDay: 0, totalDays: 30, unlockedInsights: 0, nextUnlockDay: 1, nextUnlockAt: null },
    }),
  },
  {
    method: 'GET',
    path: '/shadow/report',
    operationId: 'getProductivityReport',
    summary: 'The caller\'s productivity report over a range (completion, overdue, postponed, stalled, estimates, energy, hours, streaks, scope)',
    description: 'Reused until a task of the org changes (5 minutes at most). Every insight cites its tasks and a confidence.',
    entity: 'Shadow profile',
    tag: 'shadow',
    operation: 'RestGetProductivityReport',
    query: reportQuery,
    status: 200,
    response: productivityReportResponse,
    examples: SHADOW_EXAMPLES.report,
    errors: [403],
    locOf: (field) => (field === 'timeZone' || field === 'range' ? ['query', field] : undefined),
    variables: ({ query }) => ({ range: query.range, timeZone: query.timeZone }),
    result: ({ productivityReport: r }) => ({ body: { ...r, scopeGrowth: r.scopeGrowth.map(({ project, ...scope }: any) => ({ projectId: project?.id ?? null, ...scope })) } }),
  },
];
