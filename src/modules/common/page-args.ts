import { BadUserInputError } from '../../platform/errors/planning-error.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** The most subtasks `Task.subtasks` answers for one task (its `first`, 1..100, defaults to all of these). */
export const MAX_SUBTASKS = 100;

/** Validates `Task.subtasks(first)`: 1..{@link MAX_SUBTASKS}, naming the argument otherwise. */
export function parseSubtaskCount(first: number | null | undefined): number {
  if (first === null || first === undefined) return MAX_SUBTASKS;
  if (!Number.isInteger(first) || first < 1 || first > MAX_SUBTASKS) throw new BadUserInputError([{ field: 'first', message: `must be between 1 and ${MAX_SUBTASKS}` }]);
  return first;
}

/** Relay paging arguments as GraphQL hands them over. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** Normalised paging: read `size` rows forward from `cursor` or backward from it. */
export interface PageRequest {
  direction: 'forward' | 'backward';
  size: number;
  cursor: string | undefined;
  cursorArgument: 'after' | 'before';
}

/** Validates Relay paging arguments; every problem names its argument. */
export function parsePageArgs(args: PageArgs): PageRequest {
  const problems: Array<{ field: string; message: string }> = [];
  const checkSize = (name: 'first' | 'last', value: number | null | undefined) => {
    if (value !== null && value !== undefined && (value < 1 || value > MAX_PAGE_SIZE)) {
      problems.push({ field: name, message: `must be between 1 and ${MAX_PAGE_SIZE}` });
    }
  };
  checkSize('first', args.first);
  checkSize('last', args.last);
  if (args.first != null && args.last != null) problems.push({ field: 'last', message: 'cannot be combined with first' });
  if (args.after != null && args.before != null) problems.push({ field: 'before', message: 'cannot be combined with after' });
  if (args.first != null && args.before != null) problems.push({ field: 'before', message: 'pairs with last, not first' });
  if (args.last != null && args.after != null) problems.push({ field: 'after', message: 'pairs with first, not last' });
  if (problems.length) throw new BadUserInputError(problems);

  const backward = args.last != null || args.before != null;
  return backward
    ? { direction: 'backward', size: args.last ?? DEFAULT_PAGE_SIZE, cursor: args.before ?? undefined, cursorArgument: 'before' }
    : { direction: 'forward', size: args.first ?? DEFAULT_PAGE_SIZE, cursor: args.after ?? undefined, cursorArgument: 'after' };
}
