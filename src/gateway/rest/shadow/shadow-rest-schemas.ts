import { z } from 'zod';
import { ARCHETYPE_NAMES } from '../../../modules/shadow/archetypes.js';
import { PHASES } from '../../../modules/shadow/journey.js';
import { FINDING_KINDS } from '../../../modules/shadow/productivity-analysis.js';
import { REPORT_RANGES } from '../../../modules/shadow/shadow.inputs.js';
import { anyCaseEnum } from '../legacy-values.js';

/**
 * Request and answer schemas of `/api/planning/shadow/*`: the original module's routes and fields (snake_case, lower
 * case archetypes and phases), each object then carrying what this module adds. `/shadow/report` is new and
 * answers the GraphQL `productivityReport` as it is.
 */
const dateTime = z.string().meta({ format: 'date-time' });

export const dailyInsightQuery = z.object({
  day: z.coerce
    .number({ message: 'must be an integer' })
    .int('must be an integer')
    .optional()
    .meta({ description: 'The day to read (1..30); the last unlocked day when left out.' }),
});

export const reportQuery = z.object({
  range: anyCaseEnum(Object.keys(REPORT_RANGES) as [string, ...string[]], 'last_7_days, last_30_days (default), last_90_days or last_365_days, any case.').optional(),
  timeZone: z.string().max(64, 'must be at most 64 characters').optional().meta({ description: 'IANA time zone the hours, weekdays and days are counted in (default UTC).' }),
});

export const insightIdPath = z.object({ id: z.string().meta({ description: 'The insight\'s id. One that names no unlocked insight of the caller is answered 404.' }) });

export const findingResponse = z
  .object({
    kind: z.enum(FINDING_KINDS.map((k) => k.toLowerCase()) as [string, ...string[]]),
    message: z.string(),
    task_ids: z.array(z.string()),
    confidence: z.number().min(0).max(1),
    value: z.number().nullable(),
  })
  .meta({ id: 'ShadowFinding', description: 'A pattern of the task history: the tasks it cites and a confidence (0..1).' });

export const shadowInsightResponse = z
  .object({
    // The original's ShadowInsightResponse.
    id: z.string(),
    profile_id: z.string(),
    day: z.number().int().min(1).max(30),
    insight_type: z.enum(PHASES).meta({ description: 'awareness (days 1-10), understanding (11-20) or integration (21-30).' }),
    content: z.string(),
    unlocked: z.boolean(),
    unlocked_at: dateTime.nullable(),
    created_at: dateTime,
    // Added by this module.
    acknowledged: z.boolean(),
    acknowledged_at: dateTime.nullable(),
    finding: findingResponse.nullable(),
  })
  .meta({ id: 'ShadowInsight' });

export const shadowProfileResponse = z
  .object({
    // The original's ShadowProfileResponse.
    id: z.string(),
    user_id: z.string(),
    archetype: z.enum(ARCHETYPE_NAMES),
    unlock_day: z.number().int(),
    total_days: z.number().int(),
    insights_data: z.record(z.string(), z.unknown()).meta({ description: 'Always {} (kept for the original\'s clients).' }),
    patterns: z.record(z.string(), z.unknown()).meta({ description: '`archetype_scores`: the points of each archetype when the journey started.' }),
    created_at: dateTime,
    updated_at: dateTime,
    // Added by this module.
    progress: z.string().meta({ description: 'e.g. 5/30' }),
    phase: z.enum(PHASES),
    unlocked_insights: z.number().int(),
    acknowledged_insights: z.number().int(),
    completion_percentage: z.number(),
    next_unlock_at: dateTime.nullable(),
    can_unlock: z.boolean(),
    archetype_info: z.object({ traits: z.array(z.string()), shadow: z.array(z.string()), growth_path: z.string(), keywords: z.array(z.string()) }),
    version: z.number().int(),
  })
  .meta({ id: 'ShadowProfile' });

export const dailyInsightResponse = z
  .object({
    locked: z.boolean(),
    day: z.number().int(),
    insight: shadowInsightResponse.nullable(),
    archetype: z.enum(ARCHETYPE_NAMES).nullable(),
    progress: z.string(),
    message: z.string().nullable(),
  })
  .meta({ id: 'DailyInsight' });

export const unlockResponse = z
  .object({
    unlocked: z.boolean(),
    new_day: z.number().int().nullable(),
    insight: shadowInsightResponse.nullable(),
    message: z.string(),
    progress: z.string().nullable(),
    next_unlock_at: dateTime.nullable(),
  })
  .meta({ id: 'ShadowUnlock' });

export const progressResponse = z
  .object({
    unlock_day: z.number().int(),
    total_days: z.number().int(),
    unlocked_insights: z.number().int(),
    archetype: z.enum(ARCHETYPE_NAMES),
    completion_percentage: z.number(),
    acknowledged_insights: z.number().int(),
    next_unlock_at: dateTime.nullable(),
  })
  .meta({ id: 'ShadowProgress' });

export const insightListResponse = z
  .object({
    insights: z.array(shadowInsightResponse),
    total: z.number().int(),
    currentDay: z.number().int(),
  })
  .meta({ id: 'ShadowInsightList', description: 'As the original answered it (camelCase `currentDay`): the unlocked insights.' });

export const acknowledgeResponse = z.object({ success: z.literal(true), message: z.string() }).meta({ id: 'ShadowInsightAcknowledged' });

export const unlockStatusResponse = z
  .object({
    currentDay: z.number().int(),
    totalDays: z.number().int(),
    unlockedInsights: z.number().int(),
    nextUnlockDay: z.number().int(),
    nextUnlockAt: dateTime.nullable(),
  })
  .meta({ id: 'ShadowUnlockStatus' });

const sample = z.object({ count: z.number().int(), taskIds: z.array(z.string()) });
export const productivityReportResponse = z
  .object({
    range: z.string(),
    timeZone: z.string(),
    from: dateTime,
    to: dateTime,
    createdCount: z.number().int(),
    completedCount: z.number().int(),
    completionRate: z.number().nullable(),
    trend: z.enum(['UP', 'DOWN', 'FLAT', 'UNKNOWN']),
    weeks: z.array(z.object({ weekStart: z.string(), created: z.number().int(), completedOfCreated: z.number().int(), completed: z.number().int(), completionRate: z.number().nullable() })),
    overdue: sample,
    postponed: sample,
    reopened: sample,
    stalled: sample,
    estimates: z.object({ tasks: z.number().int(), estimatedMinutes: z.number(), actualMinutes: z.number(), ratio: z.number().nullable(), overruns: sample }),
    energyFit: z.array(z.object({ level: z.enum(['LOW', 'MEDIUM', 'HIGH']), completed: z.number().int(), inPeakBand: z.number().int(), share: z.number().nullable(), taskIds: z.array(z.string()) })),
    peakBand: z.enum(['MORNING', 'AFTERNOON', 'EVENING', 'NIGHT']).nullable(),
    productiveHours: z.array(z.object({ hour: z.number().int(), completed: z.number().int(), taskIds: z.array(z.string()) })),
    productiveWeekdays: z.array(z.object({ weekday: z.number().int(), completed: z.number().int(), taskIds: z.array(z.string()) })),
    streaks: z.object({ current: z.number().int(), longest: z.number().int(), activeDays: z.number().int(), taskIds: z.array(z.string()) }),
    scopeGrowth: z.array(z.object({ projectId: z.string().nullable(), added: z.number().int(), completed: z.number().int(), net: z.number().int(), taskIds: z.array(z.string()) })),
    insights: z.array(z.object({ kind: z.enum(FINDING_KINDS), message: z.string(), taskIds: z.array(z.string()), confidence: z.number(), value: z.number().nullable() })),
    computedAt: dateTime,
  })
  .meta({ id: 'ProductivityReport', description: 'The GraphQL `productivityReport`, with `scopeGrowth[].projectId` for its project.' });
