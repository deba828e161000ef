import { PlanningError } from '../errors/planning-error.js';
/** Stable codes of the federation tooling errors. */
export type FederationErrorCode = 'COMPOSITION_FAILED' | 'INVALID_SUPERGRAPH_CONFIG';

/** Base of the errors raised while loading a supergraph config or composing a supergraph. */
export abstract class FederationError extends PlanningError {
  abstract override readonly code: FederationErrorCode;
  constructor(
    message: string,
    /** Every problem found, each in full. */
    readonly errors: string[],
  ) {
    super(message);
  }
}

/**
 * The subgraphs do not compose (or one of them is not valid SDL). The message lists every error.
 *
 * @example
 * try { composeSupergraph(subgraphs); } catch (e) { if (e instanceof SupergraphCompositionError) console.error(e.errors); }
 */
export class SupergraphCompositionError extends FederationError {
  readonly code = 'COMPOSITION_FAILED';
  constructor(errors: string[]) {
    super(`Supergraph composition failed with ${errors.length} error(s):\n${errors.map((e) => `- ${e}`).join('\n')}`, errors);
  }
}

/** The supergraph config file is missing, not YAML, of the wrong shape, or points at unreadable schema files. */
export class SupergraphConfigError extends FederationError {
  readonly code = 'INVALID_SUPERGRAPH_CONFIG';
  constructor(path: string, errors: string[]) {
    super(`Invalid supergraph config ${path}:\n${errors.map((e) => `- ${e}`).join('\n')}`, errors);
  }
}
