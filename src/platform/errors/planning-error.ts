/** Stable error codes; each maps to a GraphQL `extensions.code` and an HTTP status in one place. */
export type PlanningErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'ANSWER_TOO_LARGE'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

/** Base of every domain error: carries a stable `code` and safe-to-show `extensions`. */
export abstract class PlanningError extends Error {
  abstract readonly code: PlanningErrorCode;
  constructor(
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnauthenticatedError extends PlanningError {
  readonly code = 'UNAUTHENTICATED';
}

export class ForbiddenError extends PlanningError {
  readonly code = 'FORBIDDEN';
}

/** The object does not exist or belongs to another org (the two are indistinguishable by design). */
export class NotFoundError extends PlanningError {
  readonly code = 'NOT_FOUND';
  constructor(entity: 'Task' | 'Project', id: string, field?: string) {
    super(`${entity} not found${field ? ` (${field})` : ''}`, { entity, id, ...(field ? { field } : {}) });
  }
}

/** One offending field of a bad input. `field` is a dotted path such as `input.title` or `inputs.3.dueDate`. */
export interface FieldProblem {
  field: string;
  message: string;
}

export class BadUserInputError extends PlanningError {
  readonly code = 'BAD_USER_INPUT';
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '), {
      fields: problems.map((p) => p.field),
      problems,
    });
  }

  static of(field: string, message: string): BadUserInputError {
    return new BadUserInputError([{ field, message }]);
  }
}

export class ConflictError extends PlanningError {
  readonly code = 'CONFLICT';
}

/** Thrown when `expectedVersion` does not match; carries the current version so the client can refetch. */
export class VersionConflictError extends ConflictError {
  constructor(entity: 'Task' | 'Project', id: string, expectedVersion: number, currentVersion: number) {
    super(`${entity} ${id} is at version ${currentVersion}, not the expected ${expectedVersion}`, {
      entity,
      id,
      expectedVersion,
      currentVersion,
    });
  }
}

/** The answer would hold more list items than one request may (see answer-size.ts): ask for fewer or page. */
export class AnswerTooLargeError extends PlanningError {
  readonly code = 'ANSWER_TOO_LARGE';
  constructor(readonly maxItems: number) {
    super(`The answer would hold more than ${maxItems} list items; ask for smaller pages or fewer nested lists`, { maxItems });
  }
}
