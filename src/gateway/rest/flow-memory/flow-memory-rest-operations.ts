/** The named GraphQL operations behind `/api/planning/flow-memory/*` (one per route, run through the gateway). */
const INTERACTION_FIELDS = /* GraphQL */ `
  fragment RestFlowMemoryInteractionFields on FlowMemoryInteraction {
    id userMessage aiResponse context sessionId metadata timestamp updatedAt
  }
`;
const STORE_RESULT = `success message interactionsStored skipped interactions { ...RestFlowMemoryInteractionFields }`;
const SETTINGS = 'enabled storeTransient updatedAt';

export const FLOW_MEMORY_REST_OPERATIONS = {
  RestStoreFlowMemoryInteraction: `mutation RestStoreFlowMemoryInteraction($input: FlowMemoryInteractionInput!) {
  storeFlowMemoryInteraction(input: $input) { ${STORE_RESULT} }
}
${INTERACTION_FIELDS}`,
  RestStoreFlowMemoryInteractions: `mutation RestStoreFlowMemoryInteractions($inputs: [FlowMemoryInteractionInput!]!) {
  storeFlowMemoryInteractions(inputs: $inputs) { ${STORE_RESULT} }
}
${INTERACTION_FIELDS}`,
  RestListFlowMemoryInteractions: `query RestListFlowMemoryInteractions {
  flowMemoryInteractions { ...RestFlowMemoryInteractionFields }
}
${INTERACTION_FIELDS}`,
  RestGetFlowMemoryInteraction: `query RestGetFlowMemoryInteraction($id: ID!) {
  flowMemoryInteraction(id: $id) { ...RestFlowMemoryInteractionFields }
}
${INTERACTION_FIELDS}`,
  RestUpdateFlowMemoryInteraction: `mutation RestUpdateFlowMemoryInteraction($id: ID!, $input: FlowMemoryInteractionChange!) {
  updateFlowMemoryInteraction(id: $id, input: $input) { ...RestFlowMemoryInteractionFields }
}
${INTERACTION_FIELDS}`,
  RestDeleteFlowMemoryInteraction: `mutation RestDeleteFlowMemoryInteraction($id: ID!) {
  deleteFlowMemoryInteraction(id: $id) { deletedId }
}`,
  RestRetrieveFlowMemory: `query RestRetrieveFlowMemory($query: String, $limit: Int) {
  retrieveFlowMemory(query: $query, limit: $limit) {
    interactions { score interaction { ...RestFlowMemoryInteractionFields } }
    patterns { topics { word count } intents { question command statement } mostActiveHour hours { hour count } taskKeywords }
    insights contextSummary totalCount memoryEnabled
  }
}
${INTERACTION_FIELDS}`,
  RestGetFlowMemorySession: `query RestGetFlowMemorySession($id: String!) {
  flowMemorySession(id: $id) { id startedAt lastActivity interactionCount interactions { ...RestFlowMemoryInteractionFields } }
}
${INTERACTION_FIELDS}`,
  RestCompressFlowMemoryContext: `mutation RestCompressFlowMemoryContext($summary: String!) {
  compressFlowMemoryContext(summary: $summary) { summary createdAt version }
}`,
  RestGetFlowMemoryStats: `query RestGetFlowMemoryStats {
  flowMemoryStats { totalInteractions memoryExists patternsDetected lastUpdate topTopics memoryEnabled storeTransient contextSummaryVersion }
}`,
  RestClearFlowMemory: `mutation RestClearFlowMemory {
  clearFlowMemory { interactions sessions context }
}`,
  RestGetFlowMemorySettings: `query RestGetFlowMemorySettings {
  flowMemorySettings { ${SETTINGS} }
}`,
  RestUpdateFlowMemorySettings: `mutation RestUpdateFlowMemorySettings($input: FlowMemorySettingsInput!) {
  updateFlowMemorySettings(input: $input) { ${SETTINGS} }
}`,
} as const;
