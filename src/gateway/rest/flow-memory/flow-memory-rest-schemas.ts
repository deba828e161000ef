import { z } from 'zod';
import { jsonObject } from '../../../modules/common/validators.js';
import {
  AI_RESPONSE_MAX,
  BULK_MAX,
  QUERY_MAX,
  RETRIEVE_LIMIT_MAX,
  SESSION_ID_MAX,
  SUMMARY_MAX,
  SUMMARY_MIN,
  USER_MESSAGE_MAX,
} from '../../../modules/flow-memory/flow-memory.inputs.js';

/**
 * Request and answer schemas of `/api/planning/flow-memory/*`, with the original module's snake_case names and
 * limits (user_message 1..5000, ai_response at most 10000, session_id 1..100, bulk 1..50, limit 1..100, summary
 * 10..2000); what this module adds (ids, `skipped`, `memory_enabled`, settings) uses the same case.
 */
const dateTime = z.string().meta({ format: 'date-time' });
const userMessage = z.string().min(1, 'must not be empty').max(USER_MESSAGE_MAX, `must be at most ${USER_MESSAGE_MAX} characters`);
const aiResponse = z.string().max(AI_RESPONSE_MAX, `must be at most ${AI_RESPONSE_MAX} characters`);

export const interactionBody = z
  .object({
    user_message: userMessage.meta({ description: 'What the user said, 1 to 5,000 characters.' }),
    ai_response: aiResponse.nullish().meta({ description: 'The assistant\'s answer, at most 10,000 characters.' }),
    context: jsonObject.nullish(),
    session_id: z.string().min(1, 'must not be empty').max(SESSION_ID_MAX, `must be at most ${SESSION_ID_MAX} characters`).nullish(),
    metadata: jsonObject.nullish(),
    transient: z.boolean().nullish().meta({ description: 'Not kept unless the user keeps transient interactions (settings).' }),
  })
  .meta({ id: 'InteractionCreate' });

export const bulkBody = z
  .object({ interactions: z.array(interactionBody).min(1, `must hold between 1 and ${BULK_MAX} interactions`).max(BULK_MAX, `must hold between 1 and ${BULK_MAX} interactions`) })
  .meta({ id: 'BulkInteractionCreate' });

export const interactionChangeBody = z
  .object({ user_message: userMessage.optional(), ai_response: aiResponse.nullish(), context: jsonObject.optional(), metadata: jsonObject.optional() })
  .meta({ description: 'Fields to change; a field left out is unchanged.' });

export const retrieveBody = z
  .object({
    query: z.string().max(QUERY_MAX, `must be at most ${QUERY_MAX} characters`).nullish().meta({ description: 'Words to rank the kept interactions by (BM25); the most recent without it.' }),
    limit: z.number().int('must be an integer').min(1, 'must be at least 1').max(RETRIEVE_LIMIT_MAX, `must be at most ${RETRIEVE_LIMIT_MAX}`).default(10),
  })
  .meta({ id: 'MemoryRetrievalRequest' });

export const summaryBody = z
  .object({ summary: z.string().min(SUMMARY_MIN, `must be at least ${SUMMARY_MIN} characters`).max(SUMMARY_MAX, `must be at most ${SUMMARY_MAX} characters`) })
  .meta({ id: 'ContextSummaryCreate' });

export const settingsBody = z
  .object({ enabled: z.boolean().optional(), store_transient: z.boolean().optional(), clear_memory: z.boolean().optional().meta({ description: 'Also forget everything kept so far.' }) })
  .meta({ id: 'MemorySettingsChange' });

export const interactionIdPath = z.object({ id: z.string().meta({ description: 'The interaction\'s id. One that names no interaction the caller\'s memory keeps is answered 404.' }) });
export const sessionIdPath = z.object({ id: z.string().meta({ description: 'The session id the interactions were stored with.' }) });

export const interactionResponse = z
  .object({
    // The original's InteractionResponse.
    user_message: z.string(),
    ai_response: z.string().nullable(),
    timestamp: dateTime,
    context: z.record(z.string(), z.unknown()),
    metadata: z.record(z.string(), z.unknown()),
    // Added by this module.
    id: z.string(),
    session_id: z.string().nullable(),
    updated_at: dateTime.nullable(),
  })
  .meta({ id: 'Interaction' });

export const storeResponse = z
  .object({ success: z.boolean(), message: z.string(), interactions_stored: z.number().int(), skipped: z.number().int(), interactions: z.array(interactionResponse) })
  .meta({ id: 'StoreResponse' });

export const interactionListResponse = z.object({ interactions: z.array(interactionResponse), total: z.number().int() }).meta({ id: 'InteractionList' });
export const interactionDeletedResponse = z.object({ success: z.literal(true), deletedId: z.string() }).meta({ id: 'InteractionDeleted' });

export const memoryPatternsResponse = z
  .object({
    topics: z.record(z.string(), z.number().int()),
    time_patterns: z.object({ most_active_hour: z.number().int().min(0).max(23), distribution: z.record(z.string(), z.number().int()) }).nullable(),
    intent_patterns: z.object({ question: z.number().int(), command: z.number().int(), statement: z.number().int() }),
    task_keywords: z.array(z.string()),
  })
  .meta({ id: 'MemoryPatterns' });

export const memoryResponse = z
  .object({
    interactions: z.array(interactionResponse.extend({ score: z.number().nullable() })),
    patterns: memoryPatternsResponse,
    insights: z.array(z.string()),
    context_summary: z.string().nullable(),
    total_count: z.number().int(),
    memory_enabled: z.boolean(),
  })
  .meta({ id: 'MemoryResponse' });

export const sessionResponse = z
  .object({ session_id: z.string(), started_at: dateTime, last_activity: dateTime, interactions: z.array(interactionResponse), interaction_count: z.number().int() })
  .meta({ id: 'SessionResponse' });

export const contextSummaryResponse = z.object({ summary: z.string(), created_at: dateTime, version: z.number().int() }).meta({ id: 'ContextSummaryResponse' });

export const statsResponse = z
  .object({
    total_interactions: z.number().int(),
    memory_exists: z.boolean(),
    patterns_detected: z.number().int(),
    last_update: dateTime.nullable(),
    top_topics: z.array(z.string()),
    memory_enabled: z.boolean(),
    store_transient: z.boolean(),
    context_summary_version: z.number().int().nullable(),
  })
  .meta({ id: 'MemoryStatsResponse' });

export const clearResponse = z
  .object({ success: z.literal(true), message: z.string(), cleared_items: z.object({ interactions: z.number().int(), sessions: z.number().int(), context: z.number().int() }) })
  .meta({ id: 'ClearMemoryResponse' });

export const settingsResponse = z.object({ enabled: z.boolean(), store_transient: z.boolean(), updated_at: dateTime.nullable() }).meta({ id: 'MemorySettings' });
