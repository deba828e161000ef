/** How much a change hurts the clients of a released contract. */
export type Severity = 'breaking' | 'dangerous' | 'safe';

/** Which contract a change is in. */
export type ContractKind = 'GraphQL' | 'REST' | 'Event' | 'Operation';

/** One difference between the released and the current contracts. */
export interface ContractChange {
  kind: ContractKind;
  severity: Severity;
  /** What changed, in words. */
  message: string;
  /** Where: the source file, and the path inside the contract. */
  location: string;
}

/** `GraphQL breaking: Field 'Task.title' was removed (schema/planning.graphql, Task.title)` */
export const describeChange = (change: ContractChange) => `${change.kind} ${change.severity}: ${change.message} (${change.location})`;
