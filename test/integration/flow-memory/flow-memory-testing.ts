import { randomBytes } from 'node:crypto';
import type { FlowMemoryStore } from '../../../src/modules/flow-memory/flow-memory.store.js';
import { InProcessFlowMemoryStore } from '../../../src/modules/flow-memory/in-process-flow-memory.store.js';
import { RedisFlowMemoryStore } from '../../../src/modules/flow-memory/redis-flow-memory.store.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { createRedisClient } from '../../../src/platform/redis/redis-client.js';
import { redisReady, serviceSettings } from '../../testkit/services.js';

/** Flow Memory on the real Redis (keys under a prefix of this test's own) when `REDIS_URL` is set, else in process. */
export async function aMemoryStore(url = serviceSettings().redisUrl): Promise<FlowMemoryStore> {
  if (!url) return new InProcessFlowMemoryStore();
  const client = createRedisClient(url, { keyPrefix: `test:${randomBytes(4).toString('hex')}:`, logger: createLogger('silent') });
  return new RedisFlowMemoryStore(await redisReady(client));
}

export const INTERACTION_FIELDS = 'id userMessage aiResponse context sessionId metadata timestamp updatedAt';
export const STORE = `mutation($input: FlowMemoryInteractionInput!) { storeFlowMemoryInteraction(input: $input) {
  success message interactionsStored skipped interactions { ${INTERACTION_FIELDS} } } }`;
export const STORE_MANY = `mutation($inputs: [FlowMemoryInteractionInput!]!) { storeFlowMemoryInteractions(inputs: $inputs) {
  success message interactionsStored skipped interactions { id userMessage } } }`;
export const RETRIEVE = `query($query: String, $limit: Int) { retrieveFlowMemory(query: $query, limit: $limit) {
  interactions { score interaction { id userMessage aiResponse } }
  patterns { topics { word count } intents { question command statement } mostActiveHour hours { hour count } taskKeywords }
  insights contextSummary totalCount memoryEnabled } }`;
