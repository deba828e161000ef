/**
 * Stable error codes of the whole service: each maps to a GraphQL `extensions.code` and to an HTTP status in one
 * place ({@link HTTP_STATUS}).
 */
export type PlanningErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'BAD_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'CONFLICT'
  | 'ANSWER_TOO_LARGE'
  | 'INVALID_CREDENTIALS'
  | 'TOO_MANY_ATTEMPTS'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR'
  // Start-up and CLI failures: the process says what is wrong and exits (never answered over HTTP).
  | 'CONFIG_INVALID'
  | 'KEY_INVALID'
  | 'COMPOSITION_FAILED'
  | 'INVALID_SUPERGRAPH_CONFIG'
  | 'SCHEMA_TOO_NEW'
  | 'PORT_UNAVAILABLE'
  | 'USAGE';

/** The HTTP status of each code, for every answer that is not a GraphQL 200 (REST, auth routes, refusals). */
export const HTTP_STATUS: Record<PlanningErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 422,
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  CONFLICT: 409,
  ANSWER_TOO_LARGE: 413,
  INVALID_CREDENTIALS: 401,
  TOO_MANY_ATTEMPTS: 429,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
  CONFIG_INVALID: 500,
  KEY_INVALID: 500,
  COMPOSITION_FAILED: 500,
  INVALID_SUPERGRAPH_CONFIG: 500,
  SCHEMA_TOO_NEW: 500,
  PORT_UNAVAILABLE: 500,
  USAGE: 500,
};

/**
 * The one base of the service's errors: a stable `code` (see {@link HTTP_STATUS}) and safe-to-show `extensions`.
 * Domain errors, authentication failures, refused requests: each is a subclass; anything else is unexpected.
 */
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
