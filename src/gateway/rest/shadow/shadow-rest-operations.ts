/** The named GraphQL operations behind `/api/planning/shadow/*` (one per route, run through the gateway). */
const INSIGHT_FIELDS = /* GraphQL */ `
  fragment RestShadowInsightFields on ShadowInsight {
    id profileId day phase content unlockedAt acknowledged acknowledgedAt createdAt
    finding { kind message taskIds confidence value }
  }
`;
const PROFILE_FIELDS = /* GraphQL */ `
  fragment RestShadowProfileFields on ShadowProfile {
    id user { id } archetype archetypeScores unlockDay totalDays progress phase unlockedInsights acknowledgedInsights
    completionPercentage nextUnlockAt canUnlock createdAt updatedAt version
    archetypeInfo { traits shadow growthPath keywords }
  }
`;

export const SHADOW_REST_OPERATIONS = {
  RestCreateShadowProfile: `mutation RestCreateShadowProfile {
  createShadowProfile { ...RestShadowProfileFields }
}
${PROFILE_FIELDS}`,
  RestGetDailyInsight: `mutation RestGetDailyInsight {
  createShadowProfile { ...RestShadowProfileFields insights { ...RestShadowInsightFields } }
}
${PROFILE_FIELDS}
${INSIGHT_FIELDS}`,
  RestUnlockShadowInsight: `mutation RestUnlockShadowInsight {
  unlockShadowInsight { unlocked newDay message progress nextUnlockAt insight { ...RestShadowInsightFields } }
}
${INSIGHT_FIELDS}`,
  RestGetShadowProgress: `query RestGetShadowProgress {
  shadowProfile { ...RestShadowProfileFields }
}
${PROFILE_FIELDS}`,
  RestListShadowInsights: `query RestListShadowInsights {
  shadowProfile { unlockDay totalDays unlockedInsights nextUnlockAt }
  shadowInsights { ...RestShadowInsightFields }
}
${INSIGHT_FIELDS}`,
  RestAcknowledgeShadowInsight: `mutation RestAcknowledgeShadowInsight($id: ID!) {
  acknowledgeShadowInsight(id: $id) { id acknowledgedAt }
}`,
  RestGetProductivityReport: `query RestGetProductivityReport($range: ReportRange, $timeZone: String) {
  productivityReport(range: $range, timeZone: $timeZone) {
    range timeZone from to createdCount completedCount completionRate trend
    weeks { weekStart created completedOfCreated completed completionRate }
    overdue { count taskIds } postponed { count taskIds } reopened { count taskIds } stalled { count taskIds }
    estimates { tasks estimatedMinutes actualMinutes ratio overruns { count taskIds } }
    energyFit { level completed inPeakBand share taskIds } peakBand
    productiveHours { hour completed taskIds } productiveWeekdays { weekday completed taskIds }
    streaks { current longest activeDays taskIds }
    scopeGrowth { project { id } added completed net taskIds }
    insights { kind message taskIds confidence value }
    computedAt
  }
}`,
} as const;
