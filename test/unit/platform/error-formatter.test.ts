import { createRequire } from 'node:module';
import { LockWaitTimeoutException } from '@mikro-orm/core';
import { PostgreSqlExceptionConverter } from '@mikro-orm/postgresql';
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

describe('GraphQL error formatting: writes that lost a race with another transaction', () => {
  const formatter = createErrorFormatter(createLogger('silent'), false);
  // The GraphQLError Apollo Server itself sees (Node's resolution of graphql), so that it unwraps the resolver's error.
  const { GraphQLError: ServerGraphQLError } = createRequire(import.meta.url)('graphql') as typeof import('graphql');
  const driverError = (code: string, message: string) => Object.assign(new Error(message), { code });

  // Converted as MikroORM converts the driver's errors on PostgreSQL (55P03 stays a plain DriverException there).
  const converted = (code: string, message: string) => new PostgreSqlExceptionConverter().convertException(driverError(code, message));
  it.each([
    ['a foreign key violation (a referenced row deleted meanwhile)', converted('23503', 'insert violates foreign key'), /deleted concurrently/],
    ['a deadlock', converted('40P01', 'deadlock detected'), /collided with a concurrent one/],
    ['a serialization failure', converted('40001', 'could not serialize access'), /collided with a concurrent one/],
    ["PostgreSQL's lock timeout", converted('55P03', 'canceling statement due to lock timeout'), /collided with a concurrent one/],
    ['a lock wait timeout of another driver', new LockWaitTimeoutException(driverError('HY000', 'lock timeout')), /collided with a concurrent one/],
  ])('when a resolver fails with %s, then the answer is a CONFLICT that says to retry, without the driver\'s text or a trace', (_what, original, message) => {
    const error = new ServerGraphQLError(original.message, { originalError: original, path: ['createTask'] });
    const answer = formatter({ message: error.message, path: ['createTask'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: trace } }, error);
    expect(answer.message).toMatch(message);
    expect(answer.message).toMatch(/retry/);
    expect(answer.extensions).toEqual({ code: 'CONFLICT' });
    expect(answer.path).toEqual(['createTask']);
    expect(JSON.stringify(answer)).not.toMatch(/foreign key|deadlock detected|lock timeout|serialize/);
  });
});
