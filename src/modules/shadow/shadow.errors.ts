import { PlanningError } from '../../platform/errors/planning-error.js';

/**
 * A shadow insight that does not exist, is another user's or org's, or is still locked: the three look the same
 * (NOT_FOUND naming the argument), so nothing about another user's journey, or a day to come, can be learned.
 */
export class ShadowInsightNotFoundError extends PlanningError {
  readonly code = 'NOT_FOUND';
  constructor(id: string, field = 'id') {
    super(`Insight not found (${field})`, { entity: 'Insight', id, field });
  }
}
