import { unwrapResolverError } from '@apollo/server/errors';
import { DeadlockException, DriverException, ForeignKeyConstraintViolationException, LockWaitTimeoutException, OptimisticLockError } from '@mikro-orm/core';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../logging/logger.js';
import { PlanningError } from './planning-error.js';
import { withoutSuggestions } from './suggestions.js';
import { isDatabaseUnavailable, serviceUnavailableError } from './service-unavailable.js';

/**
 * The one place where errors become GraphQL errors: domain errors keep their code and safe extensions; a lost
 * optimistic-lock race, a deadlock or a row deleted under a write is a CONFLICT (nothing written; retrying may succeed); an unreachable database is SERVICE_UNAVAILABLE (503); anything unknown is logged and answered without internals.
 */
export function createErrorFormatter(logger: Logger, isProduction: boolean) {
  const includeStacktrace = !isProduction;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const answer = formatError(formatted, error);
    // In production no message suggests schema names ("Did you mean the enum value ...?").
    return isProduction ? withoutSuggestions(answer) : answer;
  };

  function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
    const original = unwrapResolverError(error);
    if (original instanceof PlanningError) {
      return {
        message: original.message,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { ...original.extensions, code: original.code },
      };
    }
    if (original instanceof OptimisticLockError) {
      return { ...formatted, message: 'The object was changed concurrently; reload and retry', extensions: { code: 'CONFLICT' } };
    }
    // A concurrent change the writes could not wait out: nothing was written, the same call may succeed again.
    if (original instanceof ForeignKeyConstraintViolationException) {
      logger.warn({ err: (original as Error).message, path: formatted.path }, 'a write referred to a row deleted concurrently');
      return { message: 'An object this change refers to was deleted concurrently; reload and retry', path: formatted.path, locations: formatted.locations, extensions: { code: 'CONFLICT' } };
    }
    // PostgreSQL's lock timeout (55P03) reaches here as a plain DriverException: MikroORM converts only MySQL's.
    if (original instanceof DeadlockException || original instanceof LockWaitTimeoutException || (original instanceof DriverException && original.code === '55P03')) {
      logger.warn({ err: (original as Error).message, path: formatted.path }, 'a write collided with a concurrent one');
      return { message: 'The change collided with a concurrent one and was not made; retry', path: formatted.path, locations: formatted.locations, extensions: { code: 'CONFLICT' } };
    }
    if (isDatabaseUnavailable(original)) {
      logger.warn({ err: (original as Error)?.message, path: formatted.path }, 'database unavailable during a GraphQL operation');
      return serviceUnavailableError(formatted);
    }
    const code = formatted.extensions?.code;
    if (code && code !== 'INTERNAL_SERVER_ERROR') {
      // A client's mistake (validation, bad variables): no stack trace, which would say nothing about it.
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions!;
      return { ...formatted, extensions };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error in a GraphQL operation');
    return {
      message: 'Internal server error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: 'INTERNAL_SERVER_ERROR', ...(includeStacktrace ? { stacktrace: formatted.extensions?.stacktrace } : {}) },
    };
  }
}
