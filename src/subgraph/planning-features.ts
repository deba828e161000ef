import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { SubgraphAnswerStore } from '../platform/cache/planning-data-cache.js';
import type { Logger } from '../platform/logging/logger.js';
import type { Caller } from '../modules/common/caller.js';
import { InProcessFlowMemoryStore } from '../modules/flow-memory/in-process-flow-memory.store.js';
import type { FlowMemoryStore } from '../modules/flow-memory/flow-memory.store.js';
import type { InsightNarrator } from '../modules/shadow/insight-narrator.js';
import { ReportCache } from '../modules/shadow/report-cache.js';
import { shadowInsightLoader } from '../modules/shadow/use-cases/find-shadow-insights.js';
import type { PlanningContext } from './planning-context.js';

/** Default of {@link PlanningFeatures.reportCacheSeconds} (`SHADOW_REPORT_CACHE_SECONDS`). */
export const DEFAULT_REPORT_CACHE_SECONDS = 300;

/** What Shadow AI and Flow Memory are given by a composition root (every field optional). */
export interface PlanningFeatures {
  /** Flow Memory's store: Redis in production; the in-process store (one process) when unset. */
  flowMemoryStore?: FlowMemoryStore;
  /**
   * Where productivity reports are kept: the store the planning writers announce their changes to (the subgraph's
   * `dataVersions`), so a report is reused until a task of the org changes. Reports are not cached when unset.
   */
  reportCache?: SubgraphAnswerStore;
  reportCacheSeconds?: number;
  /** The optional language-model port of Shadow AI; none by default (deterministic, no network). */
  narrator?: InsightNarrator;
  /** The clock of both (tests freeze it for the 24-hour unlock rule and the memory's TTLs). */
  now?: () => Date;
}

/** The per-request dependencies of the two features, and their shutdown. */
export function featureDepsFor(features: PlanningFeatures = {}, logger: Logger) {
  const now = features.now ?? (() => new Date());
  const store = features.flowMemoryStore ?? new InProcessFlowMemoryStore();
  const reportCache = features.reportCache
    ? new ReportCache(features.reportCache, features.reportCacheSeconds ?? DEFAULT_REPORT_CACHE_SECONDS, (error) =>
        logger.warn({ err: (error as Error)?.message }, 'shadow: the report cache could not be used; computing the report'),
      )
    : undefined;
  const onNarratorFailure = (error: unknown) => logger.warn({ err: (error as Error)?.message }, 'shadow: the narrator failed; the reflection is kept');
  return {
    forRequest(
      em: SqlEntityManager,
      caller: Caller,
      options: { eventHeaders?: Record<string, string>; onDataChanged?: (orgIds: string[]) => Promise<void> | void },
    ): Pick<PlanningContext, 'shadow' | 'shadowInsights' | 'flowMemory'> {
      const shadow = { em, now, reportCache, narrator: features.narrator, eventHeaders: options.eventHeaders, onDataChanged: options.onDataChanged, onNarratorFailure };
      return {
        shadow,
        shadowInsights: shadowInsightLoader(shadow, caller),
        flowMemory: { em, store, now, eventHeaders: options.eventHeaders, onDataChanged: options.onDataChanged },
      };
    },
    close: () => store.close(),
  };
}
