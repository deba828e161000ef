import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createErrorFormatter } from '../../../src/platform/errors/graphql-errors.js';
import { BadUserInputError } from '../../../src/platform/errors/planning-error.js';
import { createLogger } from '../../../src/platform/logging/logger.js';

const trace = ['Error: boom', '    at resolver (src/modules/tasks/task.resolvers.ts:1:1)'];
const formattedOf = (error: GraphQLError) => ({ message: error.message, extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: trace } });

describe('GraphQL error formatting: stack traces only for the unexpected, only in development', () => {
  const development = createErrorFormatter(createLogger('silent'), false);
  const production = createErrorFormatter(createLogger('silent'), true);

  it('when a resolver fails unexpectedly in development, then the answer keeps its trace under a generic message', () => {
    const error = new GraphQLError('boom', { originalError: new Error('boom') });
    const answer = development(formattedOf(error), error);
    expect(answer.message).toBe('Internal server error');
    expect(answer.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', stacktrace: trace });
  });

  it('when the same happens in production, then no trace goes out', () => {
    const error = new GraphQLError('boom', { originalError: new Error('boom') });
    expect(production(formattedOf(error), error).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it('when the error is the client\'s (a bad input, a validation failure), then it carries no trace even in development', () => {
    const bad = new GraphQLError('input.title: must not be empty', { originalError: BadUserInputError.of('input.title', 'must not be empty') });
    const answer = development({ message: bad.message, extensions: { code: 'BAD_USER_INPUT', stacktrace: trace } }, bad);
    expect(answer.extensions?.code).toBe('BAD_USER_INPUT');
    expect(answer.extensions).not.toHaveProperty('stacktrace');
    const invalid = new GraphQLError('Cannot query field "nope" on type "Query".');
    const validation = development({ message: invalid.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: trace } }, invalid);
    expect(validation.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });
});
