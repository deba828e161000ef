import { printSchema, Supergraph } from '@apollo/federation-internals';
import { buildSchema, type GraphQLSchema } from 'graphql';

/**
 * The schema clients see through the gateway (the supergraph without its join directives), built with this
 * package's own graphql-js from Apollo's printed SDL, so that its types work with this code's graphql imports
 * (Apollo's CommonJS build may load another copy of graphql-js).
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return buildSchema(printSchema(Supergraph.build(supergraphSdl).apiSchema()));
}
