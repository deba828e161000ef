import { ApolloArmor } from '@escape.tech/graphql-armor';

/** Limits on every GraphQL document the gateway accepts (GraphQL Armor); see docs/gateway.md, "GraphQL hardening". */
export const GRAPHQL_LIMITS = { maxDepth: 10, maxAliases: 15, maxDirectives: 20, maxTokens: 2000, maxCost: 5000 } as const;

/**
 * Validation rules and plugins rejecting documents that are too deep, too wide or too expensive before any
 * subgraph is called. Field suggestions ("did you mean ...?") are blocked in production, where they would map the
 * schema for a stranger.
 */
export function graphqlHardening(isProduction: boolean) {
  const armor = new ApolloArmor({
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives },
    // Armor's token limit throws from an Apollo plugin hook, which Apollo answers with 500; graphql-js's own
    // parser limit (`parseOptions` below) refuses the same documents as a 400 parse failure.
    maxTokens: { enabled: false },
    costLimit: { maxCost: GRAPHQL_LIMITS.maxCost },
    blockFieldSuggestion: { enabled: isProduction },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins, validationRules, parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens } };
}
