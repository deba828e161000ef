import type { RestExamples } from '../rest-examples.js';

/**
 * Example bodies of `/api/planning/flow-memory/*` for the OpenAPI document: the requests are the original module's
 * own test data (tests/unit/test_flow_memory.py); a contract test parses each with its route's schemas.
 */
const AT = '2026-12-01T08:00:00.000Z';
const interaction = {
  user_message: 'Hello AI',
  ai_response: 'Hello! How can I help?',
  timestamp: AT,
  context: {},
  metadata: {},
  id: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
  session_id: 'session-456',
  updated_at: null,
};
const stored = { success: true, message: 'Interaction stored successfully', interactions_stored: 1, skipped: 0, interactions: [interaction] };
const tooLong = (loc: Array<string | number>, max: number) => ({ detail: [{ loc, msg: `must be at most ${max} characters`, type: 'too_big' }] });

export const FLOW_MEMORY_EXAMPLES: Record<string, RestExamples> = {
  store: {
    request: { user_message: 'Hello AI', ai_response: 'Hello! How can I help?', session_id: 'session-456' },
    response: stored,
    invalid: { request: { user_message: '' }, response: { detail: [{ loc: ['body', 'user_message'], msg: 'must not be empty', type: 'too_small' }] } },
  },
  storeBulk: {
    request: { interactions: [{ user_message: 'Python programming basics', ai_response: 'Python is a language' }, { user_message: 'Weather forecast today', ai_response: 'It will be sunny' }] },
    response: { ...stored, message: 'Stored 2 interactions', interactions_stored: 2, interactions: [interaction, { ...interaction, id: '3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f', user_message: 'Weather forecast today', ai_response: 'It will be sunny' }] },
    invalid: { request: { interactions: [] }, response: { detail: [{ loc: ['body', 'interactions'], msg: 'must hold between 1 and 50 interactions', type: 'too_small' }] } },
  },
  list: { response: { interactions: [interaction], total: 1 } },
  interaction: { response: interaction },
  update: {
    request: { user_message: 'Hello again, AI' },
    response: { ...interaction, user_message: 'Hello again, AI', updated_at: '2026-12-01T09:00:00.000Z' },
    invalid: { request: { ai_response: 'x'.repeat(10_001) }, response: tooLong(['body', 'ai_response'], 10_000) },
  },
  deleted: { response: { success: true, deletedId: interaction.id } },
  retrieve: {
    request: { query: 'Python programming', limit: 10 },
    response: {
      interactions: [{ ...interaction, user_message: 'Python programming basics', ai_response: 'Python is a language', score: 3.141 }],
      patterns: { topics: { python: 1, programming: 1, basics: 1 }, time_patterns: { most_active_hour: 8, distribution: { '8': 1 } }, intent_patterns: { question: 0, command: 0, statement: 1 }, task_keywords: [] },
      insights: ['Talks most about "basics" (1 times).', 'Mostly makes statements (1 of 1).', 'Most active around 8:00 UTC.'],
      context_summary: null,
      total_count: 1,
      memory_enabled: true,
    },
    invalid: { request: { limit: 0 }, response: { detail: [{ loc: ['body', 'limit'], msg: 'must be at least 1', type: 'too_small' }] } },
  },
  session: { response: { session_id: 'session-456', started_at: AT, last_activity: AT, interactions: [interaction], interaction_count: 1 } },
  compress: {
    request: { summary: 'User prefers morning work sessions and Python programming' },
    response: { summary: 'User prefers morning work sessions and Python programming', created_at: AT, version: 1 },
    invalid: { request: { summary: 'Too short' }, response: { detail: [{ loc: ['body', 'summary'], msg: 'must be at least 10 characters', type: 'too_small' }] } },
  },
  stats: {
    response: { total_interactions: 5, memory_exists: true, patterns_detected: 3, last_update: AT, top_topics: ['python', 'task'], memory_enabled: true, store_transient: false, context_summary_version: null },
  },
  clear: { response: { success: true, message: 'All memory cleared successfully', cleared_items: { interactions: 5, sessions: 1, context: 1 } } },
  settings: { response: { enabled: true, store_transient: false, updated_at: null } },
  updateSettings: {
    request: { enabled: false },
    response: { enabled: false, store_transient: false, updated_at: AT },
    invalid: { request: { enabled: 'no' }, response: { detail: [{ loc: ['body', 'enabled'], msg: 'must be a boolean', type: 'invalid_type' }] } },
  },
};
