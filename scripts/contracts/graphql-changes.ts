import { CriticalityLevel, diff, validate } from '@graphql-inspector/core';
import { printSchema, Supergraph } from '@apollo/federation-internals';
import { buildSchema, Source, type GraphQLSchema } from 'graphql';
import type { ContractChange, Severity } from './contract-change.js';
import type { KnownOperation } from './contract-set.js';

const SEVERITY: Record<CriticalityLevel, Severity> = {
  [CriticalityLevel.Breaking]: 'breaking',
  [CriticalityLevel.Dangerous]: 'dangerous',
  [CriticalityLevel.NonBreaking]: 'safe',
};

/**
 * The API schema of a supergraph: what clients of the gateway see, without the join__ machinery. Printed and built
 * again with the `graphql` this module imports (federation-internals may hold another copy of it, a CJS one).
 */
export const supergraphApiSchema = (supergraphSdl: string): GraphQLSchema => buildSchema(printSchema(Supergraph.build(supergraphSdl).apiSchema()));

/** A subgraph's SDL as a schema (federation directives are accepted without their definitions). */
const subgraphSchema = (sdl: string) => buildSchema(sdl, { assumeValidSDL: true });

async function changesBetween(released: GraphQLSchema, current: GraphQLSchema, file: string): Promise<ContractChange[]> {
  return (await diff(released, current)).map((change) => ({
    kind: 'GraphQL',
    severity: SEVERITY[change.criticality.level],
    message: change.message,
    location: change.path ? `${file}, ${change.path}` : file,
  }));
}

/**
 * The GraphQL changes, by @graphql-inspector/core: the planning subgraph's SDL (what other subgraphs compose with)
 * and the supergraph's API schema (what frontends query).
 */
export async function graphqlChanges(
  released: { subgraphSdl: string; supergraphSdl: string },
  current: { subgraphSdl: string; supergraphSdl: string },
): Promise<ContractChange[]> {
  return [
    ...(await changesBetween(subgraphSchema(released.subgraphSdl), subgraphSchema(current.subgraphSdl), 'schema/planning.graphql')),
    ...(await changesBetween(supergraphApiSchema(released.supergraphSdl), supergraphApiSchema(current.supergraphSdl), 'supergraph')),
  ];
}

/**
 * The known operations (released and current) that no longer validate against the current supergraph (inspector's
 * `validate`): each is a breaking change naming the operation. Deprecated usage is not an error here.
 */
export function brokenOperations(operations: KnownOperation[], currentSupergraphSdl: string): ContractChange[] {
  const schema = supergraphApiSchema(currentSupergraphSdl);
  const sources = operations.map((operation, index) => new Source(operation.document, String(index)));
  return validate(schema, sources, { strictDeprecated: false, strictFragments: false }).flatMap((invalid) => {
    const operation = operations[Number(invalid.source.name)];
    return invalid.errors.map((error) => ({
      kind: 'Operation' as const,
      severity: 'breaking' as const,
      message: `operation '${operation.name}' no longer validates: ${error.message}`,
      location: operation.file,
    }));
  });
}
