import { PlanningError } from '../../platform/errors/planning-error.js';

/**
 * Flow Memory's store cannot be reached (Redis down or too slow): SERVICE_UNAVAILABLE, answered 503 with
 * `Retry-After` (GraphQL and REST alike), while the rest of planning keeps working.
 */
export class FlowMemoryUnavailableError extends PlanningError {
  readonly code = 'SERVICE_UNAVAILABLE';
  constructor(readonly reason: unknown) {
    super('Flow memory is temporarily unavailable; retry shortly');
  }
}

/** An interaction or session that is not (or no longer) kept, or is another user's: the same answer. */
export class FlowMemoryNotFoundError extends PlanningError {
  readonly code = 'NOT_FOUND';
  constructor(entity: 'Interaction' | 'Session', id: string, field = 'id') {
    super(`${entity} not found (${field})`, { entity, id, field });
  }
}
