import { z } from 'zod';
import { jsonObject } from '../common/validators.js';

/** The original module's limits, kept. */
export const USER_MESSAGE_MAX = 5_000;
export const AI_RESPONSE_MAX = 10_000;
export const SESSION_ID_MAX = 100;
export const BULK_MAX = 50;
export const RETRIEVE_LIMIT_MAX = 100;
export const QUERY_MAX = 1_000;
export const SUMMARY_MIN = 10;
export const SUMMARY_MAX = 2_000;

const userMessage = z.string().min(1, 'must not be empty').max(USER_MESSAGE_MAX, `must be at most ${USER_MESSAGE_MAX} characters`);
const aiResponse = z.string().max(AI_RESPONSE_MAX, `must be at most ${AI_RESPONSE_MAX} characters`);
export const sessionId = z.string().min(1, 'must not be empty').max(SESSION_ID_MAX, `must be at most ${SESSION_ID_MAX} characters`);

/** One interaction to remember; `transient` ones are kept only when the user's settings say so. */
export const interactionInput = z.object({
  userMessage,
  aiResponse: aiResponse.nullish(),
  context: jsonObject.nullish(),
  sessionId: sessionId.nullish(),
  metadata: jsonObject.nullish(),
  transient: z.boolean().nullish(),
});
export type InteractionInput = z.output<typeof interactionInput>;

/** A change to a kept interaction: a field left out is unchanged; at least one is given. */
export const interactionChange = z
  .object({
    userMessage: userMessage.optional(),
    aiResponse: aiResponse.nullish(),
    context: jsonObject.optional(),
    metadata: jsonObject.optional(),
  })
  .refine((change) => Object.values(change).some((value) => value !== undefined), 'must change at least one field');
export type InteractionChange = z.output<typeof interactionChange>;

export const retrieveArgs = z.object({
  query: z.string().max(QUERY_MAX, `must be at most ${QUERY_MAX} characters`).nullish(),
  limit: z
    .number({ message: `must be an integer from 1 to ${RETRIEVE_LIMIT_MAX}` })
    .int(`must be an integer from 1 to ${RETRIEVE_LIMIT_MAX}`)
    .min(1, 'must be at least 1')
    .max(RETRIEVE_LIMIT_MAX, `must be at most ${RETRIEVE_LIMIT_MAX}`)
    .nullish()
    .transform((limit) => limit ?? 10),
});

export const contextSummary = z
  .string()
  .min(SUMMARY_MIN, `must be at least ${SUMMARY_MIN} characters`)
  .max(SUMMARY_MAX, `must be at most ${SUMMARY_MAX} characters`);

export const settingsChange = z.object({
  enabled: z.boolean().nullish(),
  storeTransient: z.boolean().nullish(),
  /** With `enabled: false`: also forget everything kept so far. */
  clearMemory: z.boolean().nullish(),
});
