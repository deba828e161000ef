import { composeServices } from '@apollo/composition';
import { GraphQLError, parse, type DocumentNode } from 'graphql';
import { SupergraphCompositionError } from './federation.errors.js';
import type { SubgraphDefinition } from './supergraph-config.js';

export { SupergraphCompositionError, SupergraphConfigError, FederationError } from './federation.errors.js';
export type { FederationErrorCode } from './federation.errors.js';
export { loadSupergraphConfig, type SubgraphDefinition, type SupergraphConfig } from './supergraph-config.js';

function describeGraphQLError(error: GraphQLError): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? `[${code}] ${error.message}` : error.message;
}

function parseSubgraph(name: string, typeDefs: string, problems: string[]): DocumentNode | undefined {
  try {
    return parse(typeDefs);
  } catch (error) {
    const message = error instanceof GraphQLError ? describeGraphQLError(error) : String(error);
    problems.push(`[${name}] invalid SDL: ${message}`);
    return undefined;
  }
}

/**
 * Composes Federation 2 subgraphs into a supergraph SDL (what a gateway or router loads).
 *
 * @example
 * const { subgraphs } = await loadSupergraphConfig('schema/supergraph.yaml');
 * await writeFile('supergraph.graphql', composeSupergraph(subgraphs));
 * @throws {SupergraphCompositionError} listing every syntax and composition error, each with its code.
 */
export function composeSupergraph(subgraphs: SubgraphDefinition[]): string {
  const problems: string[] = [];
  const services: Array<{ name: string; url: string; typeDefs: DocumentNode }> = [];
  for (const { name, url, typeDefs } of subgraphs) {
    const document = parseSubgraph(name, typeDefs, problems);
    if (document) services.push({ name, url, typeDefs: document });
  }
  if (problems.length > 0) throw new SupergraphCompositionError(problems);

  const result = composeServices(services);
  if (result.errors) throw new SupergraphCompositionError(result.errors.map(describeGraphQLError));
  return result.supergraphSdl;
}
