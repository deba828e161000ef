import type { GraphQLFormattedError } from 'graphql';

/** graphql-js's hints at schema names: "Did you mean "title"?", "Did you mean the enum value "PENDING"?". */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

/**
 * The error without graphql-js's suggestions of schema names, for production answers, where they would map the
 * schema for a stranger (validation and variable coercion both make them, in the gateway and in subgraphs).
 */
export function withoutSuggestions(error: GraphQLFormattedError): GraphQLFormattedError {
  if (!error.message.includes('Did you mean')) return error;
  return { ...error, message: error.message.replace(SUGGESTION, '').trim() };
}
