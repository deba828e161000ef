import type { AnyRestRoute } from '../rest-route.js';
import { FLOW_MEMORY_EXAMPLES } from './flow-memory-rest-examples.js';
import {
  bulkBody,
  clearResponse,
  contextSummaryResponse,
  interactionBody,
  interactionChangeBody,
  interactionDeletedResponse,
  interactionIdPath,
  interactionListResponse,
  interactionResponse,
  memoryResponse,
  retrieveBody,
  sessionIdPath,
  sessionResponse,
  settingsBody,
  settingsResponse,
  statsResponse,
  storeResponse,
  summaryBody,
} from './flow-memory-rest-schemas.js';

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const segment = (s: string) => (/^\d+$/.test(s) ? Number(s) : snake(s));

/** Where a field the subgraph names (`input.userMessage`, `inputs.2.sessionId`) sits in the snake_case request. */
export function flowMemoryLocOf(field: string): Array<string | number> | undefined {
  const [argument = '', ...rest] = field.split('.');
  if (argument === 'input') return ['body', ...rest.map(segment)];
  if (argument === 'inputs') return ['body', 'interactions', ...rest.map(segment)];
  if (argument === 'summary' || argument === 'query' || argument === 'limit') return ['body', argument];
  return undefined;
}

/** A snake_case interaction body as the GraphQL input. */
const interactionInput = (body: any) => ({
  userMessage: body.user_message,
  aiResponse: body.ai_response,
  context: body.context,
  sessionId: body.session_id,
  metadata: body.metadata,
  transient: body.transient,
});
const defined = <T extends object>(object: T): T => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;

/** A GraphQL FlowMemoryInteraction as the original's InteractionResponse (plus id, session and edit time). */
export const toInteractionJson = (i: any) => ({
  user_message: i.userMessage,
  ai_response: i.aiResponse ?? null,
  timestamp: i.timestamp,
  context: i.context,
  metadata: i.metadata,
  id: i.id,
  session_id: i.sessionId ?? null,
  updated_at: i.updatedAt ?? null,
});

const toStoreJson = (r: any) => ({ success: r.success, message: r.message, interactions_stored: r.interactionsStored, skipped: r.skipped, interactions: r.interactions.map(toInteractionJson) });

function toMemoryJson(r: any) {
  const { patterns } = r;
  return {
    interactions: r.interactions.map((scored: any) => ({ ...toInteractionJson(scored.interaction), score: scored.score ?? null })),
    patterns: {
      topics: Object.fromEntries(patterns.topics.map((t: any) => [t.word, t.count])),
      time_patterns:
        patterns.mostActiveHour === null || patterns.mostActiveHour === undefined
          ? null
          : { most_active_hour: patterns.mostActiveHour, distribution: Object.fromEntries(patterns.hours.map((h: any) => [String(h.hour), h.count])) },
      intent_patterns: patterns.intents,
      task_keywords: patterns.taskKeywords,
    },
    insights: r.insights,
    context_summary: r.contextSummary ?? null,
    total_count: r.totalCount,
    memory_enabled: r.memoryEnabled,
  };
}

const toSettingsJson = (s: any) => ({ enabled: s.enabled, store_transient: s.storeTransient, updated_at: s.updatedAt ?? null });

const common = { tag: 'flow-memory', locOf: flowMemoryLocOf } as const;

/** The routes of `/api/planning/flow-memory`: the original module's, then single interactions and settings. */
export const FLOW_MEMORY_REST_ROUTES: AnyRestRoute[] = [
  {
    ...common,
    method: 'POST',
    path: '/flow-memory/interactions',
    operationId: 'storeFlowMemoryInteraction',
    summary: 'Remember one interaction',
    description: 'Kept 7 days; the newest 100 of the caller are kept. Transient interactions are skipped unless the settings keep them; while memory is off, nothing is kept (`success: false`).',
    entity: 'Interaction',
    operation: 'RestStoreFlowMemoryInteraction',
    body: interactionBody,
    status: 200,
    response: storeResponse,
    examples: FLOW_MEMORY_EXAMPLES.store,
    errors: [403, 413, 415],
    variables: ({ body }) => ({ input: defined(interactionInput(body)) }),
    result: (data) => ({ body: toStoreJson(data.storeFlowMemoryInteraction) }),
  },
  {
    ...common,
    method: 'POST',
    path: '/flow-memory/interactions/bulk',
    operationId: 'storeFlowMemoryInteractions',
    summary: 'Remember 1 to 50 interactions at once (all are checked before any is kept)',
    entity: 'Interaction',
    operation: 'RestStoreFlowMemoryInteractions',
    body: bulkBody,
    status: 200,
    response: storeResponse,
    examples: FLOW_MEMORY_EXAMPLES.storeBulk,
    errors: [403, 413, 415],
    variables: ({ body }) => ({ inputs: body.interactions.map((i: any) => defined(interactionInput(i))) }),
    result: (data) => ({ body: toStoreJson(data.storeFlowMemoryInteractions) }),
  },
  {
    ...common,
    method: 'GET',
    path: '/flow-memory/interactions',
    operationId: 'listFlowMemoryInteractions',
    summary: 'Everything the caller\'s memory keeps, oldest first',
    entity: 'Interaction',
    operation: 'RestListFlowMemoryInteractions',
    status: 200,
    response: interactionListResponse,
    examples: FLOW_MEMORY_EXAMPLES.list,
    errors: [],
    variables: () => ({}),
    result: (data) => ({ body: { interactions: data.flowMemoryInteractions.map(toInteractionJson), total: data.flowMemoryInteractions.length } }),
  },
  {
    ...common,
    method: 'GET',
    path: '/flow-memory/interactions/{id}',
    operationId: 'getFlowMemoryInteraction',
    summary: 'One kept interaction',
    entity: 'Interaction',
    operation: 'RestGetFlowMemoryInteraction',
    params: interactionIdPath,
    status: 200,
    response: interactionResponse,
    examples: FLOW_MEMORY_EXAMPLES.interaction,
    errors: [404],
    variables: ({ params }) => ({ id: params.id }),
    result: (data) => data.flowMemoryInteraction && { body: toInteractionJson(data.flowMemoryInteraction) },
  },
  {
    ...common,
    method: 'PATCH',
    path: '/flow-memory/interactions/{id}',
    operationId: 'updateFlowMemoryInteraction',
    summary: 'Correct a kept interaction (it keeps its place and expiry)',
    entity: 'Interaction',
    operation: 'RestUpdateFlowMemoryInteraction',
    params: interactionIdPath,
    body: interactionChangeBody,
    status: 200,
    response: interactionResponse,
    examples: FLOW_MEMORY_EXAMPLES.update,
    errors: [403, 404, 413, 415],
    variables: ({ params, body }) => ({ id: params.id, input: defined({ userMessage: body.user_message, aiResponse: body.ai_response, context: body.context, metadata: body.metadata }) }),
    result: (data) => ({ body: toInteractionJson(data.updateFlowMemoryInteraction) }),
  },
  {
    ...common,
    method: 'DELETE',
    path: '/flow-memory/interactions/{id}',
    operationId: 'deleteFlowMemoryInteraction',
    summary: 'Forget one interaction',
    entity: 'Interaction',
    operation: 'RestDeleteFlowMemoryInteraction',
    params: interactionIdPath,
    status: 200,
    response: interactionDeletedResponse,
    examples: FLOW_MEMORY_EXAMPLES.deleted,
    errors: [403, 404],
    variables: ({ params }) => ({ id: params.id }),
    result: (data) => ({ body: { success: true, deletedId: data.deleteFlowMemoryInteraction.deletedId } }),
  },
  {
    ...common,
    method: 'POST',
    path: '/flow-memory/retrieve',
    operationId: 'retrieveFlowMemory',
    summary: 'What to remember: the interactions most relevant to a query (BM25), or the most recent, with patterns and the summary',
    entity: 'Interaction',
    operation: 'RestRetrieveFlowMemory',
    body: retrieveBody,
    status: 200,
    response: memoryResponse,
    examples: FLOW_MEMORY_EXAMPLES.retrieve,
    errors: [413, 415],
    variables: ({ body }) => defined({ query: body.query, limit: body.limit }),
    result: (data) => ({ body: toMemoryJson(data.retrieveFlowMemory) }),
  },
  {
    ...common,
    method: 'GET',
    path: '/flow-memory/sessions/{id}',
    operationId: 'getFlowMemorySession',
    summary: 'One session (24 hours from its last activity) with its interactions',
    entity: 'Session',
    operation: 'RestGetFlowMemorySession',
    params: sessionIdPath,
    status: 200,
    response: sessionResponse,
    examples: FLOW_MEMORY_EXAMPLES.session,
    errors: [404],
    variables: ({ params }) => ({ id: params.id }),
    result: ({ flowMemorySession: s }) =>
      s && { body: { session_id: s.id, started_at: s.startedAt, last_activity: s.lastActivity, interactions: s.interactions.map(toInteractionJson), interaction_count: s.interactionCount } },
  },
  {
    ...common,
    method: 'POST',
    path: '/flow-memory/context/compress',
    operationId: 'compressFlowMemoryContext',
    summary: 'Keep a summary of the caller\'s context for 30 days (the next version)',
    entity: 'Interaction',
    operation: 'RestCompressFlowMemoryContext',
    body: summaryBody,
    status: 200,
    response: contextSummaryResponse,
    examples: FLOW_MEMORY_EXAMPLES.compress,
    errors: [403, 413, 415],
    variables: ({ body }) => ({ summary: body.summary }),
    result: ({ compressFlowMemoryContext: c }) => ({ body: { summary: c.summary, created_at: c.createdAt, version: c.version } }),
  },
  {
    ...common,
    method: 'GET',
    path: '/flow-memory/stats',
    operationId: 'getFlowMemoryStats',
    summary: 'How much the caller\'s memory keeps, its top topics and settings',
    entity: 'Interaction',
    operation: 'RestGetFlowMemoryStats',
    status: 200,
    response: statsResponse,
    examples: FLOW_MEMORY_EXAMPLES.stats,
    errors: [],
    variables: () => ({}),
    result: ({ flowMemoryStats: s }) => ({
      body: {
        total_interactions: s.totalInteractions,
        memory_exists: s.memoryExists,
        patterns_detected: s.patternsDetected,
        last_update: s.lastUpdate ?? null,
        top_topics: s.topTopics,
        memory_enabled: s.memoryEnabled,
        store_transient: s.storeTransient,
        context_summary_version: s.contextSummaryVersion ?? null,
      },
    }),
  },
  {
    ...common,
    method: 'DELETE',
    path: '/flow-memory/clear',
    operationId: 'clearFlowMemory',
    summary: 'Forget everything: interactions, sessions and the summary',
    entity: 'Interaction',
    operation: 'RestClearFlowMemory',
    status: 200,
    response: clearResponse,
    examples: FLOW_MEMORY_EXAMPLES.clear,
    errors: [403],
    variables: () => ({}),
    result: ({ clearFlowMemory: c }) => ({ body: { success: true, message: 'All memory cleared successfully', cleared_items: c } }),
  },
  {
    ...common,
    method: 'GET',
    path: '/flow-memory/settings',
    operationId: 'getFlowMemorySettings',
    summary: 'The caller\'s memory settings (on, transient interactions not kept, by default)',
    entity: 'Interaction',
    operation: 'RestGetFlowMemorySettings',
    status: 200,
    response: settingsResponse,
    examples: FLOW_MEMORY_EXAMPLES.settings,
    errors: [],
    variables: () => ({}),
    result: (data) => ({ body: toSettingsJson(data.flowMemorySettings) }),
  },
  {
    ...common,
    method: 'PATCH',
    path: '/flow-memory/settings',
    operationId: 'updateFlowMemorySettings',
    summary: 'Turn memory on or off, keep transient interactions or not (`clear_memory` also forgets what is kept)',
    entity: 'Interaction',
    operation: 'RestUpdateFlowMemorySettings',
    body: settingsBody,
    status: 200,
    response: settingsResponse,
    examples: FLOW_MEMORY_EXAMPLES.updateSettings,
    errors: [403, 413, 415],
    locOf: (field) => (field.startsWith('input.') ? ['body', snake(field.slice('input.'.length))] : undefined),
    variables: ({ body }) => ({ input: defined({ enabled: body.enabled, storeTransient: body.store_transient, clearMemory: body.clear_memory }) }),
    result: (data) => ({ body: toSettingsJson(data.updateFlowMemorySettings) }),
  },
];
