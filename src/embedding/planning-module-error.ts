/** Why the module refused to be created or used. */
export type PlanningModuleErrorCode = 'INVALID_OPTIONS' | 'NOT_STARTED' | 'ALREADY_STOPPED';

/** Thrown by `createPlanningModule` (every bad option listed at once) and by a module used outside its lifetime. */
export class PlanningModuleError extends Error {
  constructor(
    readonly code: PlanningModuleErrorCode,
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'PlanningModuleError';
  }
}
