import type { ApolloServerPlugin } from '@apollo/server';
import { AnswerTooLargeError } from '../platform/errors/planning-error.js';

/**
 * List items (page edges, subtasks) one GraphQL request may answer. A list page of 100 projects with 100 tasks each
 * is 10,100; nesting lists inside lists (`subtasks { parent { subtasks } }`) multiplies the answer from a few rows,
 * as the per-request loaders hand out the same rows again, so the rows read do not bound it.
 */
export const MAX_ANSWER_ITEMS = 25_000;

/** Counts the list items of one request's answer; past the bound, every further list fails the request. */
export class AnswerSizeLimit {
  private items = 0;

  constructor(private readonly maxItems: number = MAX_ANSWER_ITEMS) {}

  /** Counts `list` into the answer and hands it back; throws {@link AnswerTooLargeError} past the bound. */
  take<T>(list: T[]): T[] {
    this.items += list.length;
    if (this.items > this.maxItems) throw new AnswerTooLargeError(this.maxItems);
    return list;
  }

  /** {@link take} for a connection page's edges. */
  takePage<C extends { edges: unknown[] }>(page: C): C {
    this.take(page.edges);
    return page;
  }
}

/**
 * An answer refused for its size is answered as one error and no data: the fields resolved before the bound was
 * reached are dropped, and the lists refused after it (each one an error) are reported once.
 */
export function answerTooLargePlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const first = result.errors?.find((e) => e.extensions?.code === 'ANSWER_TOO_LARGE');
          if (!first) return;
          result.data = null;
          result.errors = [{ message: first.message, extensions: first.extensions }];
        },
      };
    },
  };
}
