import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ConnectionException } from '@mikro-orm/core';
import type { GraphQLFormattedError } from 'graphql';

export const SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';

const UNAVAILABLE_MESSAGE = /ECONNREFUSED|ECONNRESET|Connection terminated|Timeout acquiring a connection|terminating connection|the database system is (starting up|shutting down)|Query read timeout|timeout exceeded when trying to connect|^timeout expired$|canceling statement due to statement timeout|idle-in-transaction timeout|Transaction query already complete/i;
// 57014: a statement cancelled by statement_timeout (a stalled or overloaded server); 25P03: idle-in-transaction timeout.
const UNAVAILABLE_SQLSTATE = new Set(['57P01', '57P02', '57P03', '57014', '25P03', '08000', '08001', '08003', '08004', '08006']);

/**
 * Whether an error means the database cannot be reached right now (as opposed to a fault in the request): refused
 * or lost connections, a server shutting down, and the timeouts of a stalled one (the driver's connect and read
 * timeouts, statement_timeout, and knex's "transaction query already complete" for the statements of a transaction
 * that such a timeout ended).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof ConnectionException) return true;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.has(code) || code === 'ECONNREFUSED' || code === 'ECONNRESET')) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message);
}

/** The error a client gets while a dependency is down: retryable, without internals. */
export function serviceUnavailableError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return {
    message: 'A service is temporarily unavailable; retry shortly',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: SERVICE_UNAVAILABLE },
  };
}

/**
 * Answers 503 with `Retry-After` instead of 200 when an operation produced nothing because a dependency was down
 * (all its root fields are null and an error says SERVICE_UNAVAILABLE). Partial answers stay 200.
 */
export function serviceUnavailableStatusPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (!errors?.some((e) => e.extensions?.code === SERVICE_UNAVAILABLE)) return;
          const nothing = !data || Object.values(data).every((value) => value === null);
          if (!nothing) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', '5');
        },
      };
    },
  };
}
