import type {
  MutationResolvers,
  ProductivityReportResolvers,
  ProjectScopeResolvers,
  QueryResolvers,
  ShadowArchetypeInfoResolvers,
  ShadowFindingResolvers,
  ShadowInsightResolvers,
  ShadowProfileResolvers,
  TaskSampleResolvers,
} from '../../generated/planning-resolvers.js';
import type { Task } from '../tasks/task.entity.js';
import { ARCHETYPE_NAMES, ARCHETYPES } from './archetypes.js';
import { phaseOfDay, progressOf } from './journey.js';
import { acknowledgeShadowInsight } from './use-cases/acknowledge-shadow-insight.js';
import { createShadowProfile } from './use-cases/create-shadow-profile.js';
import { getProductivityReport } from './use-cases/get-productivity-report.js';
import { getShadowProfile } from './use-cases/get-shadow-profile.js';
import { listShadowInsights } from './use-cases/list-shadow-insights.js';
import { nextUnlockOf, unlockShadowInsight } from './use-cases/unlock-shadow-insight.js';

const upper = <T extends string>(value: T) => value.toUpperCase() as Uppercase<T>;

/** The cited tasks that still exist in the caller's org, batched with every other task load of the request. */
async function tasksOf(
  ids: readonly string[],
  ctx: { loaders: { taskById: { load(id: string): Promise<Task | null> } }; answerSize: { take<T>(list: T[]): T[] } },
): Promise<Task[]> {
  const tasks = await Promise.all(ids.map((id) => ctx.loaders.taskById.load(id)));
  return ctx.answerSize.take(tasks.filter((task): task is Task => task !== null));
}

export const shadowQueries: QueryResolvers = {
  shadowProfile: (_root, _args, ctx) => getShadowProfile(ctx.shadow, ctx.caller),
  shadowInsights: async (_root, _args, ctx) => ctx.answerSize.take(await listShadowInsights(ctx.shadow, ctx.caller)),
  shadowArchetypes: () => ARCHETYPE_NAMES.map((name) => ARCHETYPES[name]),
  productivityReport: (_root, args, ctx) => getProductivityReport(ctx.shadow, ctx.caller, args),
};

export const shadowMutations: MutationResolvers = {
  createShadowProfile: (_root, _args, ctx) => createShadowProfile(ctx.shadow, ctx.caller),
  unlockShadowInsight: (_root, _args, ctx) => unlockShadowInsight(ctx.shadow, ctx.caller),
  acknowledgeShadowInsight: (_root, { id }, ctx) => acknowledgeShadowInsight(ctx.shadow, ctx.caller, id),
};

export const ShadowProfile: ShadowProfileResolvers = {
  user: (profile) => ({ id: profile.userId }),
  archetype: (profile) => upper(profile.archetype),
  archetypeInfo: (profile) => ARCHETYPES[profile.archetype],
  progress: (profile) => progressOf(profile.unlockDay, profile.totalDays),
  phase: (profile) => upper(phaseOfDay(profile.unlockDay)),
  completionPercentage: (profile) => Math.round((profile.unlockDay / profile.totalDays) * 10_000) / 100,
  nextUnlockAt: (profile) => (profile.unlockDay < profile.totalDays ? nextUnlockOf(profile) : null),
  canUnlock: (profile, _args, ctx) => profile.unlockDay < profile.totalDays && ctx.shadow.now() >= nextUnlockOf(profile),
  insights: async (_profile, _args, ctx) => ctx.answerSize.take(await listShadowInsights(ctx.shadow, ctx.caller)),
};

export const ShadowInsight: ShadowInsightResolvers = {
  // `_entities` shows the caller's own unlocked insights only: another user's, another org's or a locked one is null.
  __resolveReference: (reference, ctx) => ctx.shadowInsights.load(reference.id),
  phase: (insight) => upper(insight.phase),
  finding: (insight) =>
    insight.findingKind
      ? { kind: insight.findingKind, message: insight.finding ?? '', taskIds: insight.taskIds, confidence: insight.confidence ?? 0, value: null }
      : null,
  unlockedAt: (insight) => insight.unlockedAt!,
  acknowledged: (insight) => insight.acknowledgedAt !== null,
  acknowledgedAt: (insight) => insight.acknowledgedAt ?? null,
};

export const ShadowFinding: ShadowFindingResolvers = {
  tasks: (finding, _args, ctx) => tasksOf(finding.taskIds, ctx),
};

export const TaskSample: TaskSampleResolvers = {
  tasks: (sample, _args, ctx) => tasksOf(sample.taskIds, ctx),
};

export const ProjectScope: ProjectScopeResolvers = {
  project: (scope, _args, ctx) => (scope.projectId ? ctx.loaders.projectById.load(scope.projectId) : null),
};

export const ProductivityReport: ProductivityReportResolvers = {
  range: (report) => report.range as 'LAST_30_DAYS',
  peakBand: (report) => (report.peakBand ? upper(report.peakBand) : null),
};

export const ShadowArchetypeInfo: ShadowArchetypeInfoResolvers = {
  name: (archetype) => upper(archetype.name),
};
