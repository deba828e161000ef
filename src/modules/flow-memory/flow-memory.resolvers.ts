import type { FlowMemorySessionResolvers, MutationResolvers, QueryResolvers, ScoredFlowMemoryInteractionResolvers } from '../../generated/planning-resolvers.js';
import { clearMemory } from './use-cases/clear-memory.js';
import { compressContext } from './use-cases/compress-context.js';
import { deleteInteraction } from './use-cases/delete-interaction.js';
import { getMemoryStats } from './use-cases/get-memory-stats.js';
import { getSession } from './use-cases/get-session.js';
import { getInteraction, listInteractions } from './use-cases/list-interactions.js';
import { getMemorySettings, updateMemorySettings } from './use-cases/memory-settings.js';
import { retrieveMemory } from './use-cases/retrieve-memory.js';
import { storeInteractions } from './use-cases/store-interactions.js';
import { updateInteraction } from './use-cases/update-interaction.js';
import { FlowMemoryNotFoundError } from './flow-memory.errors.js';

/** A single read answers null for what is not kept (as `task(id)` does); mutations say NOT_FOUND. */
const orNull = async <T>(read: Promise<T>): Promise<T | null> => {
  try {
    return await read;
  } catch (error) {
    if (error instanceof FlowMemoryNotFoundError) return null;
    throw error;
  }
};

export const flowMemoryQueries: QueryResolvers = {
  flowMemoryInteractions: async (_root, _args, ctx) => ctx.answerSize.take(await listInteractions(ctx.flowMemory, ctx.caller)),
  flowMemoryInteraction: (_root, { id }, ctx) => orNull(getInteraction(ctx.flowMemory, ctx.caller, id)),
  retrieveFlowMemory: async (_root, args, ctx) => {
    const retrieval = await retrieveMemory(ctx.flowMemory, ctx.caller, args);
    ctx.answerSize.take(retrieval.interactions);
    return retrieval;
  },
  flowMemorySession: (_root, { id }, ctx) => orNull(getSession(ctx.flowMemory, ctx.caller, id)),
  flowMemoryStats: (_root, _args, ctx) => getMemoryStats(ctx.flowMemory, ctx.caller),
  flowMemorySettings: (_root, _args, ctx) => getMemorySettings(ctx.flowMemory, ctx.caller),
};

export const flowMemoryMutations: MutationResolvers = {
  storeFlowMemoryInteraction: (_root, { input }, ctx) => storeInteractions(ctx.flowMemory, ctx.caller, [input], 'input'),
  storeFlowMemoryInteractions: (_root, { inputs }, ctx) => storeInteractions(ctx.flowMemory, ctx.caller, inputs, 'inputs'),
  updateFlowMemoryInteraction: (_root, { id, input }, ctx) => updateInteraction(ctx.flowMemory, ctx.caller, id, input),
  deleteFlowMemoryInteraction: async (_root, { id }, ctx) => ({ deletedId: await deleteInteraction(ctx.flowMemory, ctx.caller, id) }),
  compressFlowMemoryContext: (_root, { summary }, ctx) => compressContext(ctx.flowMemory, ctx.caller, summary),
  clearFlowMemory: (_root, _args, ctx) => clearMemory(ctx.flowMemory, ctx.caller),
  updateFlowMemorySettings: (_root, { input }, ctx) => updateMemorySettings(ctx.flowMemory, ctx.caller, input),
};

export const FlowMemorySession: FlowMemorySessionResolvers = {
  interactionCount: (session) => session.interactions.length,
};

export const ScoredFlowMemoryInteraction: ScoredFlowMemoryInteractionResolvers = {
  interaction: (scored) => scored,
};
